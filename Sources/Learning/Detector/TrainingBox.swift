/// A ground-truth box in pixel coordinates of its image (x to the right, y down; x0 < x1,
/// y0 < y1) and its class index into `DetectorConfiguration.classes`.
public struct TrainingBox: Sendable, Hashable, Codable {
  public var x0: Float, y0: Float, x1: Float, y1: Float
  public var classIndex: Int

  public init(x0: Float, y0: Float, x1: Float, y1: Float, classIndex: Int) {
    self.x0 = x0
    self.y0 = y0
    self.x1 = x1
    self.y1 = y1
    self.classIndex = classIndex
  }

  public var width: Float { x1 - x0 }
  public var height: Float { y1 - y0 }
  public var area: Float { Swift.max(0, width) * Swift.max(0, height) }

  /// Intersection over union with another box (0 when either is empty).
  public func intersectionOverUnion(_ other: TrainingBox) -> Float {
    let w = Swift.min(x1, other.x1) - Swift.max(x0, other.x0)
    let h = Swift.min(y1, other.y1) - Swift.max(y0, other.y0)
    guard w > 0, h > 0 else { return 0 }
    let intersection = w * h
    return intersection / (area + other.area - intersection)
  }
}
