/// One track's near-miss state after a frame.
public struct TrackAssessment: Sendable, Hashable {
  public var trackID: Int
  public var classIndex: Int
  public var box: BoundingBox
  /// Nil when the track was not seen in this frame (lost, predicted).
  public var estimate: TTCEstimate?
  public var level: RiskLevel
}
