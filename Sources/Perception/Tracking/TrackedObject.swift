/// A track as the tracker reports it after a frame.
public struct TrackedObject: Sendable, Hashable {
  /// Stable identity, unique for the tracker's life.
  public var id: Int
  public var state: TrackState
  /// The class voted for by the track's detections (score-weighted).
  public var classIndex: Int
  /// The filtered (Kalman) box in frame pixels.
  public var box: BoundingBox
  /// The detection matched in this frame, nil when the track was not seen.
  public var detection: Detection?
  /// Frames since the track was born.
  public var age: Int
  /// Frames in which it was matched.
  public var hits: Int
  /// Frames since it was last matched (0 when matched now).
  public var framesSinceSeen: Int
}
