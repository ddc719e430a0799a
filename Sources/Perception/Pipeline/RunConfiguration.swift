import Capture

/// Everything `hiyari run` is told: where frames come from, the detector, the camera, and what
/// to write (events, snapshots, clips, an annotated video).
public struct RunConfiguration: Sendable {
  /// A V4L2 device, a video file or a stream URL.
  public var source: String
  /// A model bundle folder or a .onnx file with detector metadata.
  public var modelPath: String
  /// Kernel threads for inference and decoder threads for files and streams.
  public var threads: Int = 1
  /// The camera; nil assumes `CameraCalibration.assumed` for the video's size. A calibration
  /// of another resolution with the same aspect ratio is scaled.
  public var calibration: CameraCalibration?
  public var nearMiss = NearMissConfig()
  public var tracker = TrackerConfig()
  public var decoder = DecoderOptions()
  /// The JSON Lines event log; nil logs nothing (events are still reported).
  public var eventsPath: String?
  /// Whether each logged event gets a PNG of its peak frame beside the log.
  public var snapshots = true
  /// Clips around events; nil records none.
  public var clips: ClipOptions?
  /// The annotated video to write; nil writes none.
  public var annotatePath: String?
  /// Stop after this many frames (nil: until the source ends or the run is stopped).
  public var maximumFrames: Int?
  /// How a camera is opened.
  public var camera = CameraRequest()

  /// Where and how much video to keep around events.
  public struct ClipOptions: Sendable {
    public var directory: String
    public var preRollSeconds: Double
    public var postRollSeconds: Double
    /// Free space the clip store keeps on its file system, deleting the oldest clips.
    public var freeSpaceFloorBytes: Int64

    public init(
      directory: String, preRollSeconds: Double, postRollSeconds: Double, freeSpaceFloorBytes: Int64
    ) {
      self.directory = directory
      self.preRollSeconds = preRollSeconds
      self.postRollSeconds = postRollSeconds
      self.freeSpaceFloorBytes = freeSpaceFloorBytes
    }
  }

  public init(source: String, modelPath: String) {
    self.source = source
    self.modelPath = modelPath
  }
}
