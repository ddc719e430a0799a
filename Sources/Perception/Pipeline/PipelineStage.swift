/// The stages of `hiyari run`'s per-frame loop, in order, whose latencies are measured.
public enum PipelineStage: String, Sendable, Hashable, Codable, CaseIterable {
  /// Waiting for and decoding the next frame (demuxing, the packet tap, the video decoder; for a
  /// live source, the wait for its newest frame).
  case capture
  /// Resize, colour conversion and normalisation into the model input.
  case preprocess
  /// The model's run.
  case inference
  /// Detector output decoding and NMS.
  case decode
  /// Tracking and near-miss scoring.
  case tracking
  /// Events (log, snapshots) and clips (packet ring, MP4 writing, or encoding a raw camera).
  case recording
  /// Drawing and encoding the annotated video (only with one).
  case annotation
}
