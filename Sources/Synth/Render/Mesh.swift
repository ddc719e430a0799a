#if canImport(Glibc)
  import Glibc
#endif

/// A light that glows (a sprite added after rasterisation) when it can be seen.
struct Glow {
  /// Level ego-frame position.
  var position: SIMD3<Double>
  var colour: SIMD3<Float>
  /// Radius of the halo in metres.
  var radius: Double
  /// Which way the lamp shines (unit, level ego frame); a lamp facing away shows no halo.
  var direction: SIMD3<Double>
  /// The object it belongs to (its light is hidden when this object does not cover the pixel and
  /// something nearer does).
  var id: UInt16
}

/// Flat-shaded convex polygons in the level ego frame, gathered per frame. A face's vertices live
/// in `vertices[start ..< start + count]`.
struct Mesh {
  struct Face {
    var start: Int32
    var count: Int32
    var albedo: SIMD3<Float>
    var emissive: SIMD3<Float>
    var id: UInt16
  }

  var vertices: [SIMD3<Double>] = []
  var faces: [Face] = []
  var glows: [Glow] = []

  mutating func removeAll() {
    vertices.removeAll(keepingCapacity: true)
    faces.removeAll(keepingCapacity: true)
    glows.removeAll(keepingCapacity: true)
  }
}

/// Places an object's local geometry (x right, y up, z forward from the centre of its footprint)
/// into the level ego frame and appends it to a mesh.
struct Placement {
  var origin: SIMD3<Double>
  var cosHeading: Double
  var sinHeading: Double
  var id: UInt16

  init(x: Double, z: Double, heading: Double, mountHeight: Double, id: UInt16) {
    origin = SIMD3(x, mountHeight, z)
    cosHeading = cos(heading)
    sinHeading = sin(heading)
    self.id = id
  }

  @inline(__always)
  func place(_ p: SIMD3<Double>) -> SIMD3<Double> {
    SIMD3(
      origin.x + p.x * cosHeading + p.z * sinHeading, origin.y - p.y,
      origin.z - p.x * sinHeading + p.z * cosHeading)
  }
}

/// A box part in local coordinates: optionally a frustum (top face scaled and shifted) and
/// optionally swung about a pivot around the local x axis (limbs).
struct Part {
  var centre: SIMD3<Double>
  var half: SIMD3<Double>
  var albedo: SIMD3<Float>
  var topAlbedo: SIMD3<Float>?
  var topScale = SIMD2<Double>(1, 1)
  var topShift = 0.0
  var swing = 0.0
  var pivot = SIMD3<Double>(0, 0, 0)

  init(
    _ centre: SIMD3<Double>, _ half: SIMD3<Double>, _ albedo: SIMD3<Float>, top: SIMD3<Float>? = nil,
    topScale: SIMD2<Double> = SIMD2(1, 1), topShift: Double = 0, swing: Double = 0,
    pivot: SIMD3<Double> = .zero
  ) {
    self.centre = centre
    self.half = half
    self.albedo = albedo
    self.topAlbedo = top
    self.topScale = topScale
    self.topShift = topShift
    self.swing = swing
    self.pivot = pivot
  }
}

extension Mesh {
  /// Appends a box part's six faces, each with its vertices ordered so the normal points outwards.
  mutating func add(_ part: Part, _ placement: Placement) {
    let c = part.centre
    let h = part.half
    let sx = part.topScale.x
    let sz = part.topScale.y
    var corners: [SIMD3<Double>] = [
      SIMD3(c.x - h.x, c.y - h.y, c.z - h.z), SIMD3(c.x + h.x, c.y - h.y, c.z - h.z),
      SIMD3(c.x + h.x, c.y - h.y, c.z + h.z), SIMD3(c.x - h.x, c.y - h.y, c.z + h.z),
      SIMD3(c.x - h.x * sx, c.y + h.y, c.z - h.z * sz + part.topShift),
      SIMD3(c.x + h.x * sx, c.y + h.y, c.z - h.z * sz + part.topShift),
      SIMD3(c.x + h.x * sx, c.y + h.y, c.z + h.z * sz + part.topShift),
      SIMD3(c.x - h.x * sx, c.y + h.y, c.z + h.z * sz + part.topShift),
    ]
    if part.swing != 0 {
      let cs = cos(part.swing)
      let sn = sin(part.swing)
      for index in 0..<8 {
        let y = corners[index].y - part.pivot.y
        let z = corners[index].z - part.pivot.z
        corners[index].y = part.pivot.y + y * cs - z * sn
        corners[index].z = part.pivot.z + y * sn + z * cs
      }
    }
    // Faces as corner indices, counter-clockwise seen from outside in local (y up) coordinates.
    let quads: [(Int, Int, Int, Int)] = [
      (0, 1, 2, 3), (4, 7, 6, 5), (0, 4, 5, 1), (2, 6, 7, 3), (1, 5, 6, 2), (0, 3, 7, 4),
    ]
    for (index, q) in quads.enumerated() {
      let albedo = index == 1 ? (part.topAlbedo ?? part.albedo) : part.albedo
      addFace([corners[q.0], corners[q.1], corners[q.2], corners[q.3]], albedo: albedo, placement)
    }
  }

  /// Appends one convex polygon given in local coordinates.
  mutating func addFace(
    _ local: [SIMD3<Double>], albedo: SIMD3<Float>, emissive: SIMD3<Float> = .zero, _ placement: Placement
  ) {
    let start = vertices.count
    for p in local { vertices.append(placement.place(p)) }
    faces.append(
      Face(
        start: Int32(start), count: Int32(local.count), albedo: albedo, emissive: emissive, id: placement.id))
  }

  /// A wheel: an octagonal prism around the local x axis.
  mutating func addWheel(
    centre: SIMD3<Double>, radius: Double, width: Double, albedo: SIMD3<Float>, _ placement: Placement
  ) {
    var rim: [SIMD2<Double>] = []
    for k in 0..<8 {
      let angle = (Double(k) + 0.5) * .pi / 4
      rim.append(SIMD2(centre.y + radius * sin(angle), centre.z + radius * cos(angle)))
    }
    let left = centre.x - width / 2
    let right = centre.x + width / 2
    addFace(rim.reversed().map { SIMD3(right, $0.x, $0.y) }, albedo: albedo, placement)
    addFace(rim.map { SIMD3(left, $0.x, $0.y) }, albedo: albedo, placement)
    for k in 0..<8 {
      let a = rim[k]
      let b = rim[(k + 1) % 8]
      addFace(
        [SIMD3(left, a.x, a.y), SIMD3(right, a.x, a.y), SIMD3(right, b.x, b.y), SIMD3(left, b.x, b.y)],
        albedo: albedo, placement)
    }
  }

  /// A flat rectangle on a face, a little proud of it: x and y ranges at depth z, facing +z
  /// (`facingForward`) or -z.
  mutating func addPanel(
    x: ClosedRange<Double>, y: ClosedRange<Double>, z: Double, facingForward: Bool, albedo: SIMD3<Float>,
    emissive: SIMD3<Float> = .zero, _ placement: Placement
  ) {
    var quad = [
      SIMD3(x.lowerBound, y.lowerBound, z), SIMD3(x.upperBound, y.lowerBound, z),
      SIMD3(x.upperBound, y.upperBound, z), SIMD3(x.lowerBound, y.upperBound, z),
    ]
    if !facingForward { quad.reverse() }
    addFace(quad, albedo: albedo, emissive: emissive, placement)
  }

  /// A flat rectangle on a side (constant x), facing +x (`facingRight`) or -x.
  mutating func addSidePanel(
    x: Double, y: ClosedRange<Double>, z: ClosedRange<Double>, facingRight: Bool, albedo: SIMD3<Float>,
    _ placement: Placement
  ) {
    var quad = [
      SIMD3(x, y.lowerBound, z.lowerBound), SIMD3(x, y.upperBound, z.lowerBound),
      SIMD3(x, y.upperBound, z.upperBound), SIMD3(x, y.lowerBound, z.upperBound),
    ]
    if !facingRight { quad.reverse() }
    addFace(quad, albedo: albedo, placement)
  }
}
