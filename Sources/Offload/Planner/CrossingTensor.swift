/// A tensor a plan sends over the link: up (a crossing tensor) or down (a graph output the cloud
/// computed).
public struct CrossingTensor: Sendable, Hashable, Codable {
  public var name: String
  /// Bytes on the wire.
  public var bytes: Int
  public var isGraphInput: Bool

  public init(name: String, bytes: Int, isGraphInput: Bool) {
    self.name = name
    self.bytes = bytes
    self.isGraphInput = isGraphInput
  }
}
