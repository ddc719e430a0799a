/// Ground truth for one frame.
public struct FrameLabels: Sendable, Hashable, Codable {
  public var index: Int
  /// Seconds from the clip's start.
  public var time: Double
  public var objects: [ObjectLabel]

  public init(index: Int, time: Double, objects: [ObjectLabel]) {
    self.index = index
    self.time = time
    self.objects = objects
  }
}
