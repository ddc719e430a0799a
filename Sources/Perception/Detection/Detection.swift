/// One detected object: a box in frame pixels, a confidence in 0...1 and a class index into the
/// detector's class list (`DetectorLayout.classes`).
public struct Detection: Sendable, Hashable, Codable {
  public var box: BoundingBox
  public var score: Double
  public var classIndex: Int

  public init(box: BoundingBox, score: Double, classIndex: Int) {
    self.box = box
    self.score = score
    self.classIndex = classIndex
  }
}
