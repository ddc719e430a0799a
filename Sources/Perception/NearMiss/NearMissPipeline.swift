import Capture
import Engine

/// Detection to near-miss scoring for one camera, frame by frame: decode the detector's outputs,
/// track, score. What `hiyari run` calls per frame after inference (events and snapshots then go
/// to an `EventRecorder`).
public struct NearMissPipeline: Sendable {
  public let decoder: DetectionDecoder
  public private(set) var tracker: ByteTracker
  public private(set) var scorer: NearMissScorer

  /// What one frame produced.
  public struct FrameResult: Sendable {
    public var detections: [Detection]
    public var tracks: [TrackedObject]
    public var update: NearMissUpdate
  }

  public init(decoder: DetectionDecoder, tracker: ByteTracker, scorer: NearMissScorer) {
    self.decoder = decoder
    self.tracker = tracker
    self.scorer = scorer
  }

  /// Processes one frame's detector outputs; `geometry` is how the frame was mapped into the
  /// model input and `time` the frame's timestamp in seconds.
  public mutating func process(
    _ outputs: [Tensor], geometry: PreprocessGeometry, time: Double
  ) throws(PerceptionError) -> FrameResult {
    let detections = try decoder.decode(outputs, geometry: geometry)
    let tracks = tracker.update(detections)
    let update = scorer.update(tracks, at: time)
    return FrameResult(detections: detections, tracks: tracks, update: update)
  }

  /// Finishes every open event (at the end of a stream).
  public mutating func finish() -> [NearMissEvent] { scorer.finishAll() }
}
