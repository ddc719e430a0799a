@testable import Engine

/// Calibration images for the detector fixture made in Swift, in the style of the fixture's own
/// test images (scripts/make-detector-model.py `images`): a gradient per channel, a few flat
/// rectangles and mild noise, clipped to [0, 1], so activations have the spatial structure of
/// frames rather than white noise. Seeded: every run calibrates on the same images.
enum SyntheticScenes {
  static func images(_ count: Int, shape: [Int], seed: UInt64) -> [Tensor] {
    precondition(shape.count == 4 && shape[0] == 1, "NCHW with batch 1")
    let (channels, height, width) = (shape[1], shape[2], shape[3])
    var random = SeededRandom(seed)
    func uniform(_ range: ClosedRange<Float>) -> Float { Float.random(in: range, using: &random) }
    return (0..<count).map { _ in
      var pixels = [Float](repeating: 0, count: channels * height * width)
      for c in 0..<channels {
        let (base, slopeX, slopeY) = (uniform(0.2...0.6), uniform(-1...1), uniform(-1...1))
        for y in 0..<height {
          for x in 0..<width {
            pixels[(c * height + y) * width + x] =
              base + 0.3 * (slopeX * Float(x) / Float(width) + slopeY * Float(y) / Float(height))
          }
        }
      }
      for _ in 0..<Int.random(in: 3...8, using: &random) {
        let h = Int.random(in: 10..<height / 2, using: &random)
        let w = Int.random(in: 10..<width / 3, using: &random)
        let y0 = Int.random(in: 0..<height - h, using: &random)
        let x0 = Int.random(in: 0..<width - w, using: &random)
        for c in 0..<channels {
          let value = uniform(0...1)
          for y in y0..<y0 + h {
            for x in x0..<x0 + w { pixels[(c * height + y) * width + x] = value }
          }
        }
      }
      // Noise of about 0.02 standard deviation (a sum of uniforms is close enough to normal).
      for index in pixels.indices {
        let noise = (uniform(-1...1) + uniform(-1...1) + uniform(-1...1)) * 0.02
        pixels[index] = min(max(pixels[index] + noise, 0), 1)
      }
      return OperatorHarness.floats(pixels, shape)
    }
  }
}
