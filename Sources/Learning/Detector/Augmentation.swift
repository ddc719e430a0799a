import Engine

/// Training-time image augmentation: a random crop with the input's aspect ratio (scale jitter),
/// a horizontal flip, and brightness/contrast jitter; boxes follow the crop and flip, and boxes
/// that the crop cuts to less than `minimumVisible` of their area are dropped.
public struct Augmentation: Sendable, Hashable, Codable {
  public var flipProbability: Float = 0.5
  /// Additive brightness offset, uniform in [-brightness, brightness] (pixel values are 0...1).
  public var brightness: Float = 0.15
  /// Contrast factor, uniform in [1 - contrast, 1 + contrast], around mid grey.
  public var contrast: Float = 0.25
  /// The crop's side as a fraction of the largest crop with the input's aspect, uniform in
  /// [minimumScale, 1].
  public var minimumScale: Float = 0.6
  public var minimumVisible: Float = 0.4

  public init() {}

  /// No change: the whole image, resized to the input.
  public static let none: Augmentation = {
    var augmentation = Augmentation()
    augmentation.flipProbability = 0
    augmentation.brightness = 0
    augmentation.contrast = 0
    augmentation.minimumScale = 1
    augmentation.minimumVisible = 0
    return augmentation
  }()

  /// Writes the augmented image as planar RGB floats in 0...1 ([3, height, width]) into `pixels`
  /// and returns its boxes in input pixels.
  public func apply(
    _ sample: LabeledImage, width: Int, height: Int, into pixels: UnsafeMutableBufferPointer<Float>,
    generator: inout SeededGenerator
  ) -> [TrainingBox] {
    precondition(pixels.count == 3 * width * height)
    let sourceWidth = Float(sample.width), sourceHeight = Float(sample.height)
    let aspect = Float(width) / Float(height)
    var cropWidth = Swift.min(sourceWidth, sourceHeight * aspect)
    var cropHeight = cropWidth / aspect
    let scale = minimumScale >= 1 ? 1 : generator.uniform(minimumScale, 1)
    cropWidth *= scale
    cropHeight *= scale
    let left = generator.uniform() * (sourceWidth - cropWidth)
    let top = generator.uniform() * (sourceHeight - cropHeight)
    let flip = generator.uniform() < flipProbability
    let gain = contrast > 0 ? generator.uniform(1 - contrast, 1 + contrast) : 1
    let offset = brightness > 0 ? generator.uniform(-brightness, brightness) : 0
    let stepX = cropWidth / Float(width), stepY = cropHeight / Float(height)
    let plane = width * height
    sample.rgb.withUnsafeBufferPointer { rgb in
      for y in 0..<height {
        // Bilinear sampling at pixel centres.
        let sy = Swift.min(Swift.max(top + (Float(y) + 0.5) * stepY - 0.5, 0), sourceHeight - 1)
        let y0 = Int(sy), y1 = Swift.min(Int(sy) + 1, sample.height - 1)
        let fy = sy - Float(y0)
        for x in 0..<width {
          let outputX = flip ? width - 1 - x : x
          let sx = Swift.min(Swift.max(left + (Float(x) + 0.5) * stepX - 0.5, 0), sourceWidth - 1)
          let x0 = Int(sx), x1 = Swift.min(Int(sx) + 1, sample.width - 1)
          let fx = sx - Float(x0)
          for channel in 0..<3 {
            let a = Float(rgb[(y0 * sample.width + x0) * 3 + channel])
            let b = Float(rgb[(y0 * sample.width + x1) * 3 + channel])
            let c = Float(rgb[(y1 * sample.width + x0) * 3 + channel])
            let d = Float(rgb[(y1 * sample.width + x1) * 3 + channel])
            let value = ((a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy) / 255
            let adjusted = (value - 0.5) * gain + 0.5 + offset
            pixels[channel * plane + y * width + outputX] = Swift.min(Swift.max(adjusted, 0), 1)
          }
        }
      }
    }
    var boxes: [TrainingBox] = []
    for box in sample.boxes {
      var x0 = (box.x0 - left) / stepX, x1 = (box.x1 - left) / stepX
      let y0 = Swift.max(0, (box.y0 - top) / stepY), y1 = Swift.min(Float(height), (box.y1 - top) / stepY)
      let fullArea = (x1 - x0) * ((box.y1 - box.y0) / stepY)
      x0 = Swift.max(0, x0)
      x1 = Swift.min(Float(width), x1)
      guard x1 - x0 >= 2, y1 - y0 >= 2, (x1 - x0) * (y1 - y0) >= minimumVisible * fullArea else { continue }
      if flip { (x0, x1) = (Float(width) - x1, Float(width) - x0) }
      boxes.append(TrainingBox(x0: x0, y0: y0, x1: x1, y1: y1, classIndex: box.classIndex))
    }
    return boxes
  }
}
