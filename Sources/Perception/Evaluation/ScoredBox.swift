/// A detection of one image (frame) of an evaluation set.
public struct ScoredBox: Sendable, Hashable, Codable {
  public var image: Int
  public var detection: Detection

  public init(image: Int, detection: Detection) {
    self.image = image
    self.detection = detection
  }
}
