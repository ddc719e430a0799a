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

  public init(
    id: Int, state: TrackState, classIndex: Int, box: BoundingBox, detection: Detection?, age: Int, hits: Int,
    framesSinceSeen: Int
  ) {
    self.id = id
    self.state = state
    self.classIndex = classIndex
    self.box = box
    self.detection = detection
    self.age = age
    self.hits = hits
    self.framesSinceSeen = framesSinceSeen
  }
}
