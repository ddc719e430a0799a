/// The thresholds of the ByteTrack-style tracker (defaults are ByteTrack's for MOT17, adapted to
/// frames of a forward camera).
public struct TrackerConfig: Sendable, Hashable, Codable {
  /// Detections at or above this score go into the first association stage; those below (down
  /// to the decoder's threshold) only recover existing tracks in the second stage.
  public var highScoreThreshold: Double = 0.5
  /// A detection left unmatched starts a track only at or above this score.
  public var newTrackThreshold: Double = 0.6
  /// Minimum IoU of a first-stage match (ByteTrack's `match_thresh` 0.8 as a distance).
  public var firstStageIoU: Double = 0.2
  /// Minimum IoU of a second-stage (low-score) match.
  public var secondStageIoU: Double = 0.5
  /// Minimum IoU for a tentative track to match its second detection.
  public var tentativeIoU: Double = 0.3
  /// A lost track is removed after this many frames without a match.
  public var lostFrameLimit: Int = 30
  /// At most this many tracks are kept (tracked, tentative and lost together); births beyond
  /// the bound are refused, lost tracks are evicted oldest first to make room.
  public var maximumTracks: Int = 128

  public init() {}
}
