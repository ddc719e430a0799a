/// Where a track is in its life.
public enum TrackState: String, Sendable, Hashable, Codable {
  /// Born from one detection, not yet confirmed by a second.
  case tentative
  /// Matched to a detection in the latest frame (after confirmation).
  case tracked
  /// Not matched recently; kept, predicted, for up to `TrackerConfig.lostFrameLimit` frames.
  case lost
}
