/// A ground-truth box of one image (frame) of an evaluation set.
public struct LabeledBox: Sendable, Hashable, Codable {
  public var image: Int
  public var box: BoundingBox
  public var classIndex: Int

  public init(image: Int, box: BoundingBox, classIndex: Int) {
    self.image = image
    self.box = box
    self.classIndex = classIndex
  }
}
