import ArgumentParser
import Capture
import FoundationEssentials
import Perception

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari run`: the real-time loop. Capture, detect, track, score; print and log events, record
/// clips around them, optionally write an annotated video; a status summary at the end.
struct RunCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Detect near misses on a camera, video file or stream: events, clips, a summary.",
    discussion:
      "Live sources (cameras, streams) process the newest frame and count the ones skipped; files are "
      + "processed frame by frame. Ctrl-C stops cleanly (the clip being written is finished, the event log "
      + "flushed, the summary printed); a second Ctrl-C exits at once.")

  /// Where the shipped detector will live; used when --model is not given.
  static let defaultModel = "Models/hiyari-detector"

  @Option(help: "A V4L2 device (/dev/video0), a video file, or a stream URL (rtsp://...).")
  var source: String

  @Option(help: "A detector bundle folder or .onnx file with detector metadata (default: \(defaultModel)).")
  var model: String?

  @Option(
    help:
      "Camera calibration JSON (width, height, focal_px or horizontal_fov_deg, mount_height_m, horizon_row).")
  var calibration: String?

  @Option(help: "JSON Lines event log to append to (PNG snapshots of each event's peak go beside it).")
  var events: String?

  @Flag(help: "With --events: no PNG snapshots.")
  var noSnapshots = false

  @Option(help: "Folder for MP4 clips around events.")
  var clips: String?

  @Option(help: "Seconds of video kept before an event (with --clips).")
  var preRoll: Double = 5

  @Option(help: "Seconds of video kept after an event (with --clips).")
  var postRoll: Double = 5

  @Option(help: "Free space in MiB the clip folder's file system keeps; the oldest clips are deleted.")
  var clipFloorMb: Int = 512

  @Option(help: "Write a video with boxes, track ids, classes and TTC drawn (MP4).")
  var annotate: String?

  @Option(help: "Threads for inference and video decoding.")
  var threads: Int = 1

  @Option(help: "Stop after this many frames.")
  var maxFrames: Int?

  @Option(help: "Requested camera size, WIDTHxHEIGHT (cameras only).")
  var size: String = "1280x720"

  @Option(help: "Requested camera frame rate (cameras only).")
  var fps: Double = 30

  @Flag(help: "Print the summary as JSON on standard output (event lines go to standard error).")
  var json = false

  func validate() throws {
    guard (1...256).contains(threads) else { throw ValidationError("--threads must be in 1...256") }
    guard (maxFrames ?? 1) > 0 else { throw ValidationError("--max-frames must be positive") }
    guard preRoll >= 0, preRoll <= 600, postRoll >= 0, postRoll <= 600 else {
      throw ValidationError("--pre-roll and --post-roll must be in 0...600 seconds")
    }
    guard clipFloorMb >= 0 else { throw ValidationError("--clip-floor-mb must be 0 or more") }
    guard parseSize(size) != nil else { throw ValidationError("--size must look like 1280x720") }
    guard fps > 0 && fps <= 1000 else { throw ValidationError("--fps must be in (0, 1000]") }
  }

  func run() throws {
    let pipeline: RunPipeline
    do {
      pipeline = try RunPipeline(configuration: makeConfiguration())
    } catch {
      printError(error.reason)
      throw ExitCode(1)
    }
    RunStopSignal.install()
    let display = RunDisplay(json: json, isFile: !pipeline.source.isLive)
    var observer = RunPipeline.Observer()
    observer.alert = { alert, className in display.alert(alert, className: className) }
    observer.event = { event in display.event(event) }
    observer.frame = { progress in display.progress(progress) }
    observer.notice = { message in display.notice(message) }
    let summary = pipeline.run(observer: observer, shouldStop: { RunStopSignal.requested })
    display.finish(summary)
    if let failure = summary.failure {
      printError(failure)
      throw ExitCode(1)
    }
  }

  private func makeConfiguration() throws(PerceptionError) -> RunConfiguration {
    let modelPath = model ?? Self.defaultModel
    if model == nil, access(modelPath, F_OK) != 0 {
      throw PerceptionError(
        "no --model given and no shipped detector at \(modelPath): give --model a bundle or .onnx with detector metadata"
      )
    }
    var configuration = RunConfiguration(source: source, modelPath: modelPath)
    configuration.threads = threads
    if let calibration { configuration.calibration = try CameraCalibration.load(path: calibration) }
    configuration.eventsPath = events
    configuration.snapshots = !noSnapshots
    if let clips {
      configuration.clips = RunConfiguration.ClipOptions(
        directory: clips, preRollSeconds: preRoll, postRollSeconds: postRoll,
        freeSpaceFloorBytes: Int64(clipFloorMb) << 20)
    }
    configuration.annotatePath = annotate
    configuration.maximumFrames = maxFrames
    let (width, height) = parseSize(size)!
    configuration.camera.width = width
    configuration.camera.height = height
    configuration.camera.framesPerSecond = fps
    return configuration
  }
}
