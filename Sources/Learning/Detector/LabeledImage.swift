import Engine

/// One labelled training image: interleaved 8-bit RGB, row-major, `width * height * 3` bytes,
/// and its boxes in that image's pixels.
public struct LabeledImage: Sendable {
  public var width: Int
  public var height: Int
  public var rgb: [UInt8]
  public var boxes: [TrainingBox]

  public init(width: Int, height: Int, rgb: [UInt8], boxes: [TrainingBox]) {
    self.width = width
    self.height = height
    self.rgb = rgb
    self.boxes = boxes
  }

  /// Checks the sizes and boxes before a sample is used, naming what is wrong.
  public func validate(classCount: Int) throws(TrainingError) {
    guard width >= 1, height >= 1, width <= 8192, height <= 8192 else {
      throw TrainingError("training sample has unsupported size \(width)x\(height)")
    }
    guard rgb.count == width * height * 3 else {
      throw TrainingError(
        "training sample \(width)x\(height) has \(rgb.count) bytes, not \(width * height * 3)")
    }
    for box in boxes {
      guard box.classIndex >= 0, box.classIndex < classCount else {
        throw TrainingError("training box has class \(box.classIndex); there are \(classCount) classes")
      }
      guard box.x0.isFinite, box.y0.isFinite, box.x1.isFinite, box.y1.isFinite, box.x0 < box.x1,
        box.y0 < box.y1
      else { throw TrainingError("training box \(box) is empty or not finite") }
    }
  }
}
