import Foundation
import Testing

@testable import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// Runs Debian's ffmpeg/ffprobe (and other helper programs) for the media tests: clips are encoded
/// at test time, and ffmpeg's own decode is the reference the Capture decoders are checked against.
///
/// A missing tool is a loud failure, never a skip: CI installs `ffmpeg` (see `MediaTools.require`).
enum MediaTools {
  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  struct Output {
    var status: Int32
    var stdout: Data
    var stderr: String
  }

  /// The absolute path of `name` on PATH, or a failure telling which Debian package to install.
  static func require(_ name: String, package: String? = nil) throws -> String {
    if name.hasPrefix("/"), access(name, X_OK) == 0 { return name }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = "\(directory)/\(name)"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    let hint = package ?? (name == "ffprobe" ? "ffmpeg" : name)
    throw Failure(
      description: "\(name) is not installed: these tests need it (install it with `apt-get install \(hint)`)"
    )
  }

  /// Runs `tool` to completion (killing it after `timeoutSeconds`) and returns what it printed.
  ///
  /// Tools run at a lower priority (`nice -n 10`): encoding clips is not timing-sensitive, while
  /// the suites running beside it (live streams, latest-frame-wins) measure time.
  @discardableResult
  static func run(_ tool: String, _ arguments: [String], timeoutSeconds: Double = 120) throws -> Output {
    let target = try require(tool)
    let executable = try require("nice", package: "coreutils")
    let scratch = try TemporaryDirectory()
    let outPath = scratch.file("stdout")
    let errPath = scratch.file("stderr")
    _ = FileManager.default.createFile(atPath: outPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = ["-n", "10", target] + arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(forWritingAtPath: outPath)
    process.standardError = FileHandle(forWritingAtPath: errPath)
    try process.run()
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while process.isRunning && Date() < deadline { usleep(2_000) }
    if process.isRunning {
      stop(process)
      throw Failure(
        description: "\(tool) \(arguments.joined(separator: " ")) did not finish in \(timeoutSeconds) s")
    }
    let output = Output(
      status: process.terminationStatus,
      stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
      stderr: String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    guard output.status == 0 else {
      throw Failure(
        description:
          "\(tool) \(arguments.joined(separator: " ")) exited with \(output.status): \(output.stderr)")
    }
    return output
  }

  /// Runs ffmpeg quietly, overwriting outputs.
  static func ffmpeg(_ arguments: [String]) throws {
    try run("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + arguments)
  }

  /// Encodes `frames` frames of a lavfi test pattern (`pattern`, e.g. "testsrc2=size=176x144:rate=25")
  /// into `path` with the given codec/container arguments.
  static func encode(pattern: String, frames: Int, to path: String, _ codecArguments: [String]) throws {
    try ffmpeg(["-f", "lavfi", "-i", pattern, "-frames:v", String(frames)] + codecArguments + [path])
  }

  /// Starts a long-running helper (a server); stop it with `stop(_:)`. Its stderr goes to `log`.
  static func start(_ tool: String, _ arguments: [String], log: String, directory: String? = nil) throws
    -> Process
  {
    let executable = try require(tool)
    _ = FileManager.default.createFile(atPath: log, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = FileHandle(forWritingAtPath: log)
    process.standardError = FileHandle(forWritingAtPath: log)
    try process.run()
    return process
  }

  /// Stops a process this test started: SIGTERM, then SIGKILL if it lingers; waits for it.
  static func stop(_ process: Process) {
    guard process.isRunning else { return }
    process.terminate()
    let deadline = Date().addingTimeInterval(3)
    while process.isRunning && Date() < deadline { usleep(5_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
  }

  // MARK: ffprobe

  struct ProbedFrame {
    var bestEffortTimestamp: Int64?
    var pts: Int64?
    /// The frame's duration in the stream's time base (from its packet), if known.
    var duration: Int64?
  }

  struct Probe {
    var codec: String
    var width: Int
    var height: Int
    var pixelFormat: String
    var timeBase: (num: Int64, den: Int64)
    var startPTS: Int64?
    /// ffprobe's `-count_frames` count of decoded frames.
    var readFrames: Int
    var frames: [ProbedFrame]

    /// Whether the container carries no timestamps at all (raw Annex-B H.264/H.265).
    var hasNoTimestamps: Bool { frames.allSatisfy { $0.bestEffortTimestamp == nil && $0.pts == nil } }

    /// The timestamp MediaSource should report for frame `index`, in nanoseconds: its best-effort
    /// timestamp (else its pts) relative to the stream's start. A stream without any timestamps
    /// (raw Annex-B) is timed as ffmpeg itself times it: frame durations added up from 0.
    func expectedNanoseconds(_ index: Int) -> Double? {
      let stamp: Int64
      if hasNoTimestamps {
        var sum: Int64 = 0
        for frame in frames[..<index] {
          guard let duration = frame.duration else { return nil }
          sum += duration
        }
        stamp = sum
      } else {
        guard let known = frames[index].bestEffortTimestamp ?? frames[index].pts else { return nil }
        stamp = known - (startPTS ?? 0)
      }
      return Double(stamp) * Double(timeBase.num) * 1e9 / Double(timeBase.den)
    }
  }

  /// What ffprobe decodes from the first video stream of `path`.
  static func probe(_ path: String) throws -> Probe {
    let output = try run(
      "ffprobe",
      [
        "-v", "error", "-select_streams", "v:0", "-count_frames",
        "-show_entries", "stream=codec_name,width,height,pix_fmt,time_base,start_pts,nb_read_frames",
        "-show_entries", "frame=best_effort_timestamp,pts,pkt_duration", "-of", "json", path,
      ])
    guard let root = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any],
      let stream = (root["streams"] as? [[String: Any]])?.first
    else {
      throw Failure(description: "ffprobe gave no video stream for \(path)")
    }
    func integer(_ value: Any?) -> Int64? {
      if let number = value as? NSNumber { return number.int64Value }
      if let text = value as? String { return Int64(text) }
      return nil
    }
    let timeBaseParts = ((stream["time_base"] as? String) ?? "").split(separator: "/").compactMap {
      Int64($0)
    }
    guard timeBaseParts.count == 2, let count = integer(stream["nb_read_frames"]) else {
      throw Failure(description: "ffprobe gave no time base or frame count for \(path)")
    }
    let frames = ((root["frames"] as? [[String: Any]]) ?? []).map {
      ProbedFrame(
        bestEffortTimestamp: integer($0["best_effort_timestamp"]), pts: integer($0["pts"]),
        duration: integer($0["pkt_duration"]))
    }
    return Probe(
      codec: stream["codec_name"] as? String ?? "", width: Int(integer(stream["width"]) ?? 0),
      height: Int(integer(stream["height"]) ?? 0), pixelFormat: stream["pix_fmt"] as? String ?? "",
      timeBase: (timeBaseParts[0], timeBaseParts[1]), startPTS: integer(stream["start_pts"]),
      readFrames: Int(count), frames: frames)
  }

  // MARK: reference decode

  /// ffmpeg's own decode of `path` as raw planar pixels in `pixelFormat` (an ffmpeg name such as
  /// "yuv420p" or "yuvj422p"), split into frames of `layout`. Frames are passed through as decoded
  /// (no frame-rate conversion).
  static func referenceFrames(
    _ path: String, pixelFormat: String, layout: PlaneLayout, in directory: TemporaryDirectory
  ) throws -> [[UInt8]] {
    let raw = directory.file(URL(fileURLWithPath: path).lastPathComponent + ".\(pixelFormat).raw")
    try ffmpeg([
      "-i", path, "-map", "0:v:0", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", pixelFormat, raw,
    ])
    let bytes = try readBytes(raw)
    let size = layout.frameBytes
    guard size > 0, bytes.count % size == 0 else {
      throw Failure(description: "\(raw): \(bytes.count) bytes is not a whole number of \(size)-byte frames")
    }
    return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<($0 + size)]) }
  }

  static func readBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw Failure(description: "cannot read \(path)")
    }
    return [UInt8](data)
  }

  static func writeBytes(_ bytes: [UInt8], to path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
      throw Failure(description: "cannot write \(path)")
    }
  }
}

/// The visible geometry of a planar picture, computed independently of the code under test.
struct PlaneLayout: Equatable, CustomStringConvertible {
  /// (bytes per visible row, rows) for each plane.
  var planes: [(width: Int, rows: Int)]

  init(format: PixelFormat, width: Int, height: Int) {
    let halfWidth = (width + 1) / 2
    let halfHeight = (height + 1) / 2
    switch format {
    case .yuv420p: planes = [(width, height), (halfWidth, halfHeight), (halfWidth, halfHeight)]
    case .yuv422p: planes = [(width, height), (halfWidth, height), (halfWidth, height)]
    case .yuv444p: planes = [(width, height), (width, height), (width, height)]
    case .nv12: planes = [(width, height), (2 * halfWidth, halfHeight)]
    case .gray8: planes = [(width, height)]
    case .yuyv, .uyvy: planes = [(4 * halfWidth, height)]
    case .rgb24, .bgr24: planes = [(3 * width, height)]
    case .mjpeg: planes = []
    }
  }

  var frameBytes: Int { planes.reduce(0) { $0 + $1.width * $1.rows } }

  static func == (a: PlaneLayout, b: PlaneLayout) -> Bool {
    a.planes.elementsEqual(b.planes) { $0.width == $1.width && $0.rows == $1.rows }
  }

  var description: String { planes.map { "\($0.width)x\($0.rows)" }.joined(separator: ",") }
}

/// Frame inspection helpers shared by the media tests.
enum FramePixels {
  /// The visible bytes of every plane of `frame`, packed (row padding dropped), after checking each
  /// plane's rows and stride against `layout`. Returns nil (and records an issue) on a geometry error.
  static func packed(_ frame: Frame, layout: PlaneLayout, sourceLocation: SourceLocation = #_sourceLocation)
    -> [UInt8]?
  {
    guard frame.planeCount == layout.planes.count else {
      Issue.record(
        "frame has \(frame.planeCount) planes, expected \(layout.planes.count)",
        sourceLocation: sourceLocation)
      return nil
    }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(layout.frameBytes)
    for index in 0..<frame.planeCount {
      let plane = frame.plane(index)
      let (width, rows) = layout.planes[index]
      guard plane.rows == rows, plane.bytesPerRow >= width else {
        Issue.record(
          "plane \(index): \(plane.rows) rows of stride \(plane.bytesPerRow), expected \(rows) rows of at least \(width) bytes",
          sourceLocation: sourceLocation)
        return nil
      }
      for y in 0..<rows {
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: plane.row(y), count: width))
      }
    }
    return bytes
  }

  /// Where two packed pictures first differ, described by plane, row and column; nil if equal.
  static func firstDifference(_ actual: [UInt8], _ expected: [UInt8], layout: PlaneLayout) -> String? {
    guard actual.count == expected.count else {
      return "sizes differ: \(actual.count) vs \(expected.count) bytes"
    }
    guard actual != expected else { return nil }
    var offset = 0
    for (index, plane) in layout.planes.enumerated() {
      let size = plane.width * plane.rows
      for i in 0..<size where actual[offset + i] != expected[offset + i] {
        let differing = (0..<size).filter { actual[offset + $0] != expected[offset + $0] }.count
        return
          "plane \(index) row \(i / plane.width) column \(i % plane.width): \(actual[offset + i]) vs \(expected[offset + i]) (\(differing) of \(size) bytes differ)"
      }
      offset += size
    }
    return nil
  }
}

/// A scratch directory removed when the value goes away.
final class TemporaryDirectory {
  let path: String

  init() throws {
    var base = NSTemporaryDirectory()
    while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
    var template = Array((base + "/hiyari-capture-XXXXXX").utf8CString)
    guard let made = mkdtemp(&template) else {
      throw MediaTools.Failure(description: "cannot make a temporary directory")
    }
    path = String(cString: made)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { "\(path)/\(name)" }
}

/// Monotonic seconds, for bounding how long an operation took.
func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// A free TCP port on 127.0.0.1 (bound once, then released for a server to take).
func freeLocalPort() throws -> UInt16 {
  let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard descriptor >= 0 else {
    throw MediaTools.Failure(description: "socket: \(String(cString: strerror(errno)))")
  }
  defer { Glibc.close(descriptor) }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  address.sin_port = 0
  var length = socklen_t(MemoryLayout<sockaddr_in>.size)
  let bound = withUnsafeMutablePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
      bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
    }
  }
  guard bound else { throw MediaTools.Failure(description: "bind: \(String(cString: strerror(errno)))") }
  return UInt16(bigEndian: address.sin_port)
}

/// Whether something listens on TCP `port` (read from /proc/net/tcp, so no connection is made: a
/// probe connection would be the one client a one-shot `listen=1` server accepts).
func isListening(port: UInt16) -> Bool {
  for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
    guard let text = try? String(contentsOfFile: table, encoding: .utf8) else { continue }
    let hexPort = String(format: ":%04X", port)
    for line in text.split(separator: "\n").dropFirst() {
      let fields = line.split(separator: " ")
      if fields.count > 3, fields[1].hasSuffix(hexPort), fields[3] == "0A" { return true }
    }
  }
  return false
}

/// Waits until a server listens on `port`, failing if `process` exits or `seconds` pass.
func waitUntilListening(port: UInt16, process: Process, log: String, seconds: Double = 10) throws {
  let deadline = monotonicSeconds() + seconds
  while !isListening(port: port) {
    if !process.isRunning {
      let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
      throw MediaTools.Failure(description: "the server exited before listening on \(port): \(text)")
    }
    if monotonicSeconds() > deadline {
      throw MediaTools.Failure(description: "nothing listened on port \(port) within \(seconds) s")
    }
    usleep(10_000)
  }
}

/// A TCP socket listening on 127.0.0.1 at a free port. The kernel completes connections to it
/// even if nobody calls accept, so on its own it is a server that accepts and never sends.
final class ListeningSocket: @unchecked Sendable {
  // Safety: `descriptor` and `port` never change after init; `close()` runs once, from the test.
  let descriptor: Int32
  let port: UInt16

  init() throws {
    descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard descriptor >= 0 else {
      throw MediaTools.Failure(description: "socket: \(String(cString: strerror(errno)))")
    }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let descriptor = descriptor
    let ok = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
        bind(descriptor, pointer, length) == 0 && listen(descriptor, 8) == 0
          && getsockname(descriptor, pointer, &length) == 0
      }
    }
    guard ok else {
      Glibc.close(descriptor)
      throw MediaTools.Failure(description: "bind/listen: \(String(cString: strerror(errno)))")
    }
    port = UInt16(bigEndian: address.sin_port)
  }

  deinit { Glibc.close(descriptor) }

  /// On a background thread: accepts one client (waiting at most `acceptSeconds`), writes `bytes`
  /// to it, then keeps the connection open and silent until the client hangs up or `holdSeconds`
  /// pass. `done` is signalled when the thread ends.
  func serveOnceThenStall(_ bytes: [UInt8], acceptSeconds: Int32 = 10, holdSeconds: Int32 = 30)
    -> DispatchSemaphore
  {
    let done = DispatchSemaphore(value: 0)
    let listener = descriptor
    Thread.detachNewThread {
      defer { done.signal() }
      var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
      guard poll(&waiting, 1, acceptSeconds * 1000) == 1 else { return }
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      defer { Glibc.close(client) }
      var sent = 0
      while sent < bytes.count {
        let written = bytes[sent...].withUnsafeBytes {
          send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
        }
        if written <= 0 { return }
        sent += written
      }
      // Silent from here on: wait for the client to hang up (read gives 0) or the hold to end.
      var peer = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
      var scratch = [UInt8](repeating: 0, count: 4096)
      let end = monotonicSeconds() + Double(holdSeconds)
      while monotonicSeconds() < end {
        if poll(&peer, 1, 100) == 1 {
          if scratch.withUnsafeMutableBytes({ recv(client, $0.baseAddress, $0.count, 0) }) <= 0 { return }
        }
      }
    }
    return done
  }
}
