#if canImport(Glibc)
  import Glibc
#endif

/// Flat shading of a face: sky light, sun, the ego's headlights at night, emission, then fog.
struct Shader {
  let palette: Palette
  let visibility: Double
  let mountHeight: Double

  init(view: View, palette: Palette, conditions: Conditions) {
    self.palette = palette
    visibility = conditions.visibility
    mountHeight = view.camera.mountHeight
  }

  func shade(_ mesh: Mesh, _ face: Mesh.Face) -> SIMD3<Float> {
    let start = Int(face.start)
    let v0 = mesh.vertices[start]
    var centre = SIMD3<Double>.zero
    for k in 0..<Int(face.count) { centre += mesh.vertices[start + k] }
    centre /= Double(face.count)
    var normal = cross(mesh.vertices[start + 2] - v0, mesh.vertices[start + 1] - v0)
    normal /= max(1e-12, dot(normal, normal).squareRoot())
    let distance = dot(centre, centre).squareRoot()
    var light =
      palette.ambient * Float(0.7 - 0.3 * normal.y) + palette.sun
      * Float(max(0, dot(normal, palette.sunDirection)))
    if palette.headlights > 0 && centre.z > 0.5 {
      light +=
        palette.headlights * Shader.headlight(x: centre.x, z: centre.z, height: mountHeight - centre.y)
        * Float(max(0.25, -dot(normal, centre) / distance))
    }
    let lit = face.albedo * light + face.emissive
    let clear = Float(exp(-distance / visibility))
    return lit * clear + palette.fog * (1 - clear)
  }

  /// The ego's low beams: a cone ahead, fading with distance and with height above the road
  /// (`height` in metres; low beams light little above 1.5 m).
  @inline(__always)
  static func headlight(x: Double, z: Double, height: Double) -> Float {
    let spread = x / (z * 0.42 + 1.2)
    let cone = max(0, 1 - spread * spread)
    let reach = 1 / (1 + (z / 20) * (z / 20))
    let vertical = max(0, 1 - max(0, height - 1.2) / 2)
    return Float(cone * reach * vertical)
  }
}
