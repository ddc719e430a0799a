/// Per-channel normalization of pixel values into a model's float domain:
/// `value = (pixel / 255 - mean[c]) / std[c]`, with `mean` and `std` given in red, green, blue
/// order whatever the model's channel order.
public struct ChannelNormalization: Sendable, Hashable {
  /// Red, green and blue means, in units of the 0...1 pixel range.
  public var mean: [Float]
  /// Red, green and blue standard deviations, in units of the 0...1 pixel range.
  public var std: [Float]

  /// Normalization by mean and standard deviation (three each, red, green, blue).
  public init(mean: [Float], std: [Float]) {
    self.mean = mean
    self.std = std
  }

  /// Plain scaling, `value = pixel * scale` (e.g. 1/255 for 0...1, 1 to keep 0...255).
  public init(scale: Float) {
    let std = Float(1.0 / (255.0 * Double(scale)))
    self.init(mean: [0, 0, 0], std: [std, std, std])
  }

  /// `pixel / 255`: the 0...1 range YOLO-family detectors take.
  public static let unitRange = ChannelNormalization(mean: [0, 0, 0], std: [1, 1, 1])

  /// The ImageNet statistics torchvision's classifiers are trained with.
  public static let imageNet = ChannelNormalization(
    mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

  func validate() throws(PreprocessError) {
    guard mean.count == 3, std.count == 3 else {
      throw .invalidNormalization(
        "needs 3 means and 3 stds (red, green, blue), got \(mean.count) and \(std.count)")
    }
    guard mean.allSatisfy(\.isFinite) else { throw .invalidNormalization("mean \(mean) is not finite") }
    guard std.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw .invalidNormalization("std \(std) must be finite and positive")
    }
  }

  /// Coefficients of `value = pixel * scale + bias` for red, green, blue channel `channel`.
  func affine(channel: Int) -> (scale: Double, bias: Double) {
    let std = Double(std[channel])
    return (1 / (255 * std), -Double(mean[channel]) / std)
  }
}
