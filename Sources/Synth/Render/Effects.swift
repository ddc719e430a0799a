#if canImport(Glibc)
  import Glibc
#endif

/// What happens after the geometry: lamp halos, sun glare, rain streaks, motion blur, exposure,
/// the tone curve and sensor noise. Random parts come from the seed and the frame number only.
struct Effects {
  let view: View
  var conditions: Conditions
  let seed: UInt64
  let frame: Int
  var random: SynthRandom

  init(view: View, conditions: Conditions, seed: UInt64, frame: Int) {
    self.view = view
    self.conditions = conditions
    self.seed = seed
    self.frame = frame
    random = SynthRandom(seed: seed, stream: 1000 + UInt64(frame))
  }

  private var scale: Double { Double(view.camera.width) / 1280 }

  /// Halos around lit lamps that the camera can see.
  func addGlows(_ glows: [Glow], _ raster: inout Raster, palette: Palette) {
    let width = raster.width
    let height = raster.height
    let night: Float = conditions.light == .night ? 1 : 0.5
    let haze: Double = conditions.weather == .clear ? 1 : 1.8
    for glow in glows where glow.colour != .zero {
      let p = view.camera.toCamera(glow.position, sinPitch: view.sinPitch, cosPitch: view.cosPitch)
      guard p.z > 0.5 else { continue }
      let u = view.centreX + view.focal * p.x / p.z
      let v = view.centreY + view.focal * p.y / p.z
      let column = Int(u)
      let row = Int(v)
      guard column >= 0, column < width, row >= 0, row < height else { continue }
      let index = row * width + column
      // Hidden when something nearer than the lamp covers its centre.
      if raster.ids[index] != glow.id && raster.inverseDepth[index] > Float(1 / p.z) * 1.03 { continue }
      let towardsCamera = -dot(glow.direction, glow.position) / dot(glow.position, glow.position).squareRoot()
      guard towardsCamera > 0.05 || glow.id == Mesh.sceneryID else { continue }
      let aim = glow.id == Mesh.sceneryID ? 0.6 : Float(towardsCamera * towardsCamera)
      let radius = max(1.5, view.focal * glow.radius * haze / p.z)
      let extent = Int(min(radius, 120 * scale + 4).rounded(.up))
      let fade = Float(exp(-p.z / (conditions.visibility * 1.5)))
      let strength = glow.colour * 0.4 * night * fade * aim
      let inverse = 1 / (radius * radius)
      raster.colour.withUnsafeMutableBufferPointer { rgb in
        for y in max(0, row - extent)...min(height - 1, row + extent) {
          let dy = Double(y) + 0.5 - v
          for x in max(0, column - extent)...min(width - 1, column + extent) {
            let dx = Double(x) + 0.5 - u
            let r2 = (dx * dx + dy * dy) * inverse
            guard r2 < 1 else { continue }
            let falloff = Float((1 - r2) * (1 - r2))
            let q = 3 * (y * width + x)
            rgb[q] += strength.x * falloff
            rgb[q + 1] += strength.y * falloff
            rgb[q + 2] += strength.z * falloff
          }
        }
      }
    }
  }

  /// A low sun in front: a bright veil around it and a few lens ghosts across the image.
  func addGlare(_ raster: inout Raster) {
    guard let sun = conditions.sunGlare else { return }
    let width = raster.width
    let height = raster.height
    let sunU = view.centreX + sun.x * view.focal
    let sunV = view.camera.horizonRow + sun.y * view.focal
    let warm: SIMD3<Float> = conditions.light == .dusk ? SIMD3(1.2, 0.75, 0.4) : SIMD3(1.1, 1.05, 0.95)
    let core = Double(width) * 0.03
    let veil = Double(width) * 0.35
    var ghosts: [(u: Double, v: Double, r: Double)] = []
    for k in 1...3 {
      let t = 0.4 * Double(k)
      ghosts.append(
        (
          sunU + (view.centreX - sunU) * t * 1.6, sunV + (view.centreY - sunV) * t * 1.6,
          Double(width) * (0.015 + 0.012 * Double(k))
        ))
    }
    let coreScale = Float(1 / (core * core))
    let veilScale = Float(1 / (veil * veil))
    raster.colour.withUnsafeMutableBufferPointer { rgb in
      for y in 0..<height {
        let dy = Float(Double(y) + 0.5 - sunV)
        for x in 0..<width {
          let dx = Float(Double(x) + 0.5 - sunU)
          let r2 = dx * dx + dy * dy
          let amount = 3 / (1 + r2 * coreScale) + 0.35 / (1 + r2 * veilScale)
          let q = 3 * (y * width + x)
          rgb[q] += warm.x * amount
          rgb[q + 1] += warm.y * amount
          rgb[q + 2] += warm.z * amount
        }
      }
      for ghost in ghosts {
        let r = Int(ghost.r.rounded(.up))
        let gx = Int(ghost.u)
        let gy = Int(ghost.v)
        for y in stride(from: max(0, gy - r), to: min(height, gy + r + 1), by: 1) {
          for x in stride(from: max(0, gx - r), to: min(width, gx + r + 1), by: 1) {
            let dx = Double(x) + 0.5 - ghost.u
            let dy = Double(y) + 0.5 - ghost.v
            guard dx * dx + dy * dy < ghost.r * ghost.r else { continue }
            let q = 3 * (y * width + x)
            rgb[q] += warm.x * 0.08
            rgb[q + 1] += warm.y * 0.08
            rgb[q + 2] += warm.z * 0.08
          }
        }
      }
    }
  }

  /// Falling rain: short slanted bright streaks, and a veil that lowers contrast.
  mutating func addRain(_ raster: inout Raster) {
    guard conditions.rainStreaks > 0 else { return }
    let width = raster.width
    let height = raster.height
    let count = Int(conditions.rainStreaks * Double(width * height) / 1_000_000)
    let brightness: Float = conditions.light == .night ? 0.05 : 0.12
    let slant = random.uniform(-0.25, 0.25)
    for _ in 0..<count {
      let x0 = random.uniform(0, Double(width))
      let y0 = random.uniform(0, Double(height))
      let length = random.uniform(8, 30) * scale
      let steps = Int(length)
      for step in 0..<steps {
        let x = Int(x0 + slant * Double(step))
        let y = Int(y0) + step
        guard x >= 0, x < width, y < height else { break }
        let q = 3 * (y * width + x)
        raster.colour[q] += brightness
        raster.colour[q + 1] += brightness
        raster.colour[q + 2] += brightness * 1.05
      }
    }
  }

  /// Radial blur away from the focus of expansion, growing with the ego's speed.
  func blur(_ raster: inout Raster, speed: Double) {
    let strength = conditions.motionBlur * speed
    let width = raster.width
    let height = raster.height
    guard strength * Double(max(width, height)) / 2 >= 0.75 else { return }
    let focusX = view.centreX
    let focusY = view.camera.horizonRow
    let source = raster.colour
    raster.colour.withUnsafeMutableBufferPointer { rgb in
      source.withUnsafeBufferPointer { original in
        for y in 0..<height {
          let dy = Double(y) - focusY
          for x in 0..<width {
            let dx = Double(x) - focusX
            let x1 = max(0, min(width - 1, Int(Double(x) - dx * strength * 0.5)))
            let y1 = max(0, min(height - 1, Int(Double(y) - dy * strength * 0.5)))
            let x2 = max(0, min(width - 1, Int(Double(x) - dx * strength)))
            let y2 = max(0, min(height - 1, Int(Double(y) - dy * strength)))
            let q = 3 * (y * width + x)
            let q1 = 3 * (y1 * width + x1)
            let q2 = 3 * (y2 * width + x2)
            for channel in 0..<3 {
              rgb[q + channel] =
                (original[q + channel] + original[q1 + channel] + original[q2 + channel]) * (1 / 3)
            }
          }
        }
      }
    }
  }

  /// Exposure, the sRGB tone curve and sensor noise, to 8-bit RGB.
  func expose(_ raster: Raster, gamma: [UInt8]) -> [UInt8] {
    let width = raster.width
    let height = raster.height
    let count = width * height * 3
    let exposure = Float(conditions.exposure)
    let veil: Float = conditions.weather == .rain ? 0.06 : 0
    let gain = exposure * (1 - veil) * 4095
    let lift = veil * 0.5 * 4095
    let frameKey = SynthRandom.hash(seed, UInt64(frame), 0x5EED)
    // Noise in 1/256 steps of an 8-bit level, scaled once per frame.
    let sigma = Float(conditions.noise) * 256
    let noise = Effects.noiseTable.map { Int32($0 * sigma) }
    let mask = noise.count - 1
    return [UInt8](unsafeUninitializedCapacity: count) { output, initialized in
      raster.colour.withUnsafeBufferPointer { rgb in
        gamma.withUnsafeBufferPointer { table in
          noise.withUnsafeBufferPointer { noise in
            for row in 0..<height {
              // Each row reads the noise table from its own random offset, so no pattern repeats.
              let offset = Int(truncatingIfNeeded: SynthRandom.hash(frameKey, UInt64(row)))
              let start = row * width * 3
              for index in start..<(start + width * 3) {
                let code = Int32(min(4095, rgb[index] * gain + lift))
                let level = (Int32(table[Int(code)]) << 8 &+ noise[(index &+ offset) & mask] &+ 128) >> 8
                output[index] = UInt8(truncatingIfNeeded: max(0, min(255, level)))
              }
            }
          }
        }
      }
      initialized = count
    }
  }

  /// 64 Ki standard-normal samples (sum of three uniforms, rescaled), fixed for the process.
  static let noiseTable: [Float] = {
    var random = SynthRandom(seed: 0x5EED_0F_5E45)
    return (0..<(1 << 16)).map { _ in Float((random.unit() + random.unit() + random.unit() - 1.5) * 2) }
  }()
}
