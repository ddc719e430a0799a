/// What one frame changed in near-miss scoring.
public struct NearMissUpdate: Sendable {
  /// Every scored track, by id.
  public var assessments: [TrackAssessment] = []
  /// Alerts raised in this frame.
  public var alerts: [NearMissAlert] = []
  /// Tracks whose open event reached a new peak in this frame, with the box at the peak: the
  /// moment to keep a copy of the frame for the event's snapshot.
  public var newPeaks: [(trackID: Int, box: BoundingBox)] = []
  /// Events that ended (their refractory period passed, or the track went away).
  public var finishedEvents: [NearMissEvent] = []

  public init() {}
}
