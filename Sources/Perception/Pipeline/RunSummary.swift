/// What a run did, for the status summary at its end (`hiyari run` prints it, `--json` as JSON).
public struct RunSummary: Sendable, Codable {
  public var source: String
  public var model: String
  public var modelHash: String
  /// Frames processed (every stage ran on them).
  public var frames: Int
  public var wallSeconds: Double
  /// Frames processed per second of wall time.
  public var framesPerSecond: Double
  /// Per-stage latency, in pipeline order.
  public var stages: [StageSummary]
  /// Frames the source skipped as stale (live sources: the newest frame wins).
  public var droppedStale: Int64
  /// Frames the camera driver dropped (gaps in its sequence numbers).
  public var droppedByDriver: Int64
  /// Packets or frames the decoder could not decode.
  public var decodeErrors: Int64
  /// Compressed packets dropped before the clip recorder because the loop fell behind.
  public var droppedPackets: Int
  public var alerts: Int
  public var events: Int
  public var clips: [ClipSummary]
  /// Frames written to the annotated video.
  public var annotatedFrames: Int
  /// Whether the run was stopped (SIGINT) before its source ended.
  public var interrupted: Bool
  /// Why the run ended early, if it failed.
  public var failure: String?

  /// One clip written during the run.
  public struct ClipSummary: Sendable, Codable, Equatable {
    public var path: String
    /// The span of the source it holds, seconds on the source's clock.
    public var start: Double
    public var end: Double
    public var isKept: Bool
  }

  /// All frames the pipeline did not see.
  public var dropped: Int64 { droppedStale + droppedByDriver }

  enum CodingKeys: String, CodingKey {
    case source, model, frames, stages, alerts, events, clips, interrupted, failure
    case modelHash = "model_hash"
    case wallSeconds = "wall_s"
    case framesPerSecond = "fps"
    case droppedStale = "dropped_stale"
    case droppedByDriver = "dropped_by_driver"
    case decodeErrors = "decode_errors"
    case droppedPackets = "dropped_packets"
    case annotatedFrames = "annotated_frames"
  }
}
