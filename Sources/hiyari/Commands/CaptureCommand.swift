import ArgumentParser
import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari capture`: pull frames from a camera, file or stream and report what arrived.
struct CaptureCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "capture",
    abstract: "Capture frames and print fps, drops and timestamps (optionally PNG snapshots).")

  @Option(help: "A V4L2 device (/dev/video0), a video file, or a stream URL (rtsp://...).")
  var source: String

  @Option(help: "Frames to capture (for a file: at most this many; 0 = the whole file).")
  var frames: Int = 100

  @Option(help: "Requested camera size, WIDTHxHEIGHT.")
  var size: String = "1280x720"

  @Option(help: "Requested camera frame rate.")
  var fps: Double = 30

  @Option(help: "Camera pixel format FourCC (YUYV, NV12, MJPG, ...); default: negotiated.")
  var format: String?

  @Option(help: "Camera driver buffers.")
  var buffers: Int = 4

  @Option(help: "Seconds to keep reopening a lost camera (0 = give up at once).")
  var reconnectTimeout: Double = 10

  @Option(help: "Decoder threads for files and streams (0 = one per core).")
  var threads: Int = 0

  @Option(help: "Hardware decoding: none, auto, or a name (v4l2m2m, vaapi, cuda).")
  var hwaccel: String = "none"

  @Option(help: "Folder for PNG snapshots.")
  var out: String?

  @Option(help: "Write a snapshot every N frames (with --out).")
  var snapshotEvery: Int = 25

  @Flag(help: "Print only the summary.")
  var quiet = false

  func validate() throws {
    guard frames >= 0 else { throw ValidationError("--frames must be 0 or more") }
    guard parseSize(size) != nil else { throw ValidationError("--size must look like 1280x720") }
    guard fps > 0 && fps <= 1000 else { throw ValidationError("--fps must be in (0, 1000]") }
    if let format, FourCC.parse(format) == nil {
      throw ValidationError("--format takes four characters, e.g. YUYV")
    }
    guard snapshotEvery > 0 else { throw ValidationError("--snapshot-every must be positive") }
  }

  func run() throws {
    var camera = CameraRequest()
    let (width, height) = parseSize(size)!
    camera.width = width
    camera.height = height
    camera.framesPerSecond = fps
    camera.fourCC = format.flatMap(FourCC.parse)
    camera.bufferCount = buffers
    camera.reconnectTimeoutSeconds = reconnectTimeout
    var media = MediaSourceOptions()
    media.threads = threads
    media.hardware = HardwareDecoding(hwaccel)
    do {
      let opened = try FrameSources.open(source, camera: camera, media: media)
      defer { opened.close() }
      try capture(from: opened)
    } catch let error as CaptureError {
      printError(error.description)
      throw ExitCode(1)
    }
  }

  private func capture(from source: any FrameSource) throws {
    describe(source)
    if let out { try makeFolder(out) }
    let snapshots = out == nil ? nil : PNGWriter()
    var report = CaptureReport()
    let wallStart = monotonicNanoseconds()
    var failure: CaptureError?
    var reconnectsReported: Int64 = 0
    while frames == 0 || report.frames < frames {
      let frame: Frame?
      do {
        frame = try source.nextFrame()
      } catch {
        failure = error
        break
      }
      guard let frame else { break }
      if source.statistics.reconnects > reconnectsReported {
        reconnectsReported = source.statistics.reconnects
        printNotice("\(source.name): camera was lost and reopened (reconnect \(reconnectsReported))")
      }
      let digest = FrameDigest(frame)
      let delta = report.record(frame, digest: digest)
      if !quiet {
        print(
          "frame seq=\(frame.sequence) t=\(formatDecimal(Double(frame.timestampNanoseconds) / 1e9, places: 6))"
            + " dt=\(delta.map { formatDecimal(Double($0) / 1e6, places: 2) + "ms" } ?? "-")"
            + " \(frame.width)x\(frame.height) \(frame.format.rawValue)"
            + " mean=\(formatDecimal(digest.meanLuma, places: 1)) hash=\(hex(digest.hash))")
        // Flush each line, so rigs and logs reading a file or pipe see frames as they arrive.
        fflush(nil)
      }
      if let snapshots, let out, (report.frames - 1) % snapshotEvery == 0 {
        let path = "\(out)/frame-\(pad(report.frames - 1)).png"
        try snapshots.write(frame, to: path)
        if !quiet { print("snapshot \(path)") }
      }
    }
    let wallSeconds = Double(monotonicNanoseconds() - wallStart) / 1e9
    print(report.summary(source: source, wallSeconds: wallSeconds))
    if let failure {
      printError(failure.description)
      throw ExitCode(1)
    }
    if report.frames == 0 {
      printError("\(source.name): no frames")
      throw ExitCode(1)
    }
  }

  private func describe(_ source: any FrameSource) {
    guard !quiet else { return }
    if let camera = source as? V4L2Camera {
      let rate = camera.framesPerSecond.map { " @ \(formatRate($0)) fps" } ?? ""
      print(
        "camera \(camera.name): \(camera.info.card) (\(camera.info.driver)) \(FourCC.string(camera.mode.fourCC)) \(camera.mode.width)x\(camera.mode.height)\(rate)"
      )
    } else if let media = source as? MediaSource {
      let info = media.info
      print(
        "media \(media.name): \(info.container) \(info.codec) \(info.width)x\(info.height) decoder \(info.decoder)\(info.hardware.map { " (\($0))" } ?? "")"
      )
    }
  }
}

/// Parses "WIDTHxHEIGHT".
func parseSize(_ text: String) -> (Int, Int)? {
  let parts = text.lowercased().split(separator: "x")
  guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]), width > 0, height > 0,
    width <= 16384, height <= 16384
  else { return nil }
  return (width, height)
}

func hex(_ value: UInt64) -> String {
  let digits = String(value, radix: 16)
  return String(repeating: "0", count: 16 - digits.count) + digits
}

func pad(_ number: Int) -> String {
  let digits = String(number)
  return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
}

func monotonicNanoseconds() -> Int64 {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}
