import ArgumentParser
import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari bench decode`: decode throughput of a file through `MediaSource` against
/// `ffmpeg -threads N -benchmark -i CLIP -f null -` on the same file, interleaved in one run.
///
/// Each round times three things, in an order that rotates from round to round so a drift in the
/// machine's speed falls on all of them alike:
/// - (A) Hiyari in-process: `MediaSource` open (probe included), every frame, close.
/// - (B) ffmpeg as a subprocess: its own `bench: rtime` (decoder open, decode, filter, null
///   muxer, close; input probing excluded) and the subprocess wall time (process start, dynamic
///   linking and probing included).
/// - (C) Hiyari as a subprocess (this binary, `--child`): wall time with the same start-up costs
///   as (B)'s wall time, so the two wall figures compare like with like.
struct BenchDecode: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "decode",
    abstract: "Decode throughput through MediaSource vs `ffmpeg -benchmark -f null` on the same file.")

  @Option(help: "An H.264 file (default: a generated 1280x720 30 fps clip, cached).")
  var clip: String?

  @Option(help: "Decoder threads for both Hiyari and ffmpeg (default: run 1, then 2; 0 = auto).")
  var threads: Int?

  @Option(help: "Measured rounds per thread count (after one warm-up round that is not counted).")
  var rounds: Int = 9

  @Option(help: "Frames in the generated clip.")
  var clipFrames: Int = 600

  @Option(help: "The ffmpeg to compare against.")
  var ffmpeg: String = "ffmpeg"

  /// Runs one in-process decode and prints one machine-readable line (used for (C)).
  @Flag(help: .hidden)
  var child = false

  func validate() throws {
    guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    if let threads, threads < 0 { throw ValidationError("--threads must be 0 or more") }
    guard clipFrames > 0 else { throw ValidationError("--clip-frames must be positive") }
  }

  func run() throws {
    if child {
      guard let clip else { throw ValidationError("--child needs --clip") }
      let result = try decodeInProcess(clip: clip, threads: threads ?? 1)
      print(
        "child frames=\(result.frames) open=\(result.openSeconds) total=\(result.totalSeconds)"
          + " cpu=\(result.cpuSeconds) checksum=\(result.checksum)")
      return
    }
    let path = try clip ?? BenchClips.standard(frames: clipFrames, ffmpeg: ffmpeg)
    let machine = BenchMachine.current()
    print("# hiyari bench decode")
    print("- clip: \(path) (\(BenchClips.describe(path)))")
    print("- machine: \(machine.cpu), \(machine.cores) cores, Linux \(machine.kernel); \(machine.date)")
    print("- ffmpeg: \(BenchClips.ffmpegVersion(ffmpeg))")
    print("- rounds: \(rounds) measured + 1 warm-up per thread count; order rotates A B C, B C A, C A B, ...")
    print("")
    let threadCounts = threads.map { [$0] } ?? [1, 2]
    var summaries: [DecodeSummary] = []
    for count in threadCounts {
      summaries.append(try measure(clip: path, threads: count))
      print("")
    }
    printSummary(summaries)
  }

  // MARK: - Measuring

  private func measure(clip: String, threads: Int) throws -> DecodeSummary {
    var summary = DecodeSummary(threads: threads)
    let selfPath = BenchProcess.executablePath()
    for round in 0...rounds {
      var hiyari: DecodeRun?
      var peer: FFmpegRun?
      var process: ChildRun?
      // Rotate the order so no side always runs first (cache, clock and neighbour drift).
      for step in 0..<3 {
        switch (round + step) % 3 {
        case 0: hiyari = try decodeInProcess(clip: clip, threads: threads)
        case 1: peer = try BenchFFmpeg.decode(clip: clip, threads: threads, ffmpeg: ffmpeg)
        default: process = try runChild(selfPath: selfPath, clip: clip, threads: threads)
        }
      }
      guard let hiyari, let peer, let process else { continue }
      guard hiyari.frames == peer.frames, hiyari.frames == process.frames else {
        printError(
          "frame counts differ: hiyari \(hiyari.frames), ffmpeg \(peer.frames), hiyari process \(process.frames)"
        )
        throw ExitCode(1)
      }
      let label = round == 0 ? "warm-up" : "round \(round)"
      print(
        "threads \(threads) \(label):"
          + " A hiyari \(fps(hiyari.frames, hiyari.totalSeconds)) fps"
          + " (decode-only \(fps(hiyari.frames, hiyari.totalSeconds - hiyari.openSeconds)),"
          + " open \(ms(hiyari.openSeconds)) ms, cpu \(formatDecimal(hiyari.cpuSeconds, places: 3)) s)"
          + " | B ffmpeg rtime \(fps(peer.frames, peer.rtime)) fps"
          + " (cpu \(formatDecimal(peer.utime + peer.stime, places: 3)) s), wall \(fps(peer.frames, peer.wallSeconds)) fps"
          + " | C hiyari process wall \(fps(process.frames, process.wallSeconds)) fps"
          + " | A/B \(formatDecimal(hiyari.rate / peer.rtimeRate, places: 3))"
          + " C/Bwall \(formatDecimal(process.wallRate / peer.wallRate, places: 3))")
      guard round > 0 else { continue }
      summary.frames = hiyari.frames
      summary.hiyari.append(hiyari.rate)
      summary.hiyariDecodeOnly.append(Double(hiyari.frames) / (hiyari.totalSeconds - hiyari.openSeconds))
      summary.hiyariCPU.append(hiyari.cpuSeconds)
      summary.hiyariOpen.append(hiyari.openSeconds)
      summary.ffmpegRtime.append(peer.rtimeRate)
      summary.ffmpegWall.append(peer.wallRate)
      summary.ffmpegCPU.append(peer.utime + peer.stime)
      summary.ffmpegStartup.append(peer.wallSeconds - peer.rtime)
      summary.hiyariProcessWall.append(process.wallRate)
      summary.hiyariProcessStartup.append(process.wallSeconds - process.totalSeconds)
      summary.pairedRtime.append(hiyari.rate / peer.rtimeRate)
      summary.pairedWall.append(process.wallRate / peer.wallRate)
    }
    return summary
  }

  private func runChild(selfPath: String, clip: String, threads: Int) throws -> ChildRun {
    let result = try BenchProcess.run([
      selfPath, "bench", "decode", "--child", "--clip", clip, "--threads", String(threads),
    ])
    guard result.exitStatus == 0,
      let line = result.output.split(separator: "\n").first(where: { $0.hasPrefix("child ") })
    else {
      printError("hiyari child decode failed (status \(result.exitStatus)): \(result.output)")
      throw ExitCode(1)
    }
    let fields = BenchText.keyValues(line)
    guard let frames = fields["frames"].flatMap({ Int($0) }),
      let total = fields["total"].flatMap({ Double($0) })
    else {
      printError("cannot parse the child's report: \(line)")
      throw ExitCode(1)
    }
    return ChildRun(frames: frames, totalSeconds: total, wallSeconds: result.wallSeconds)
  }

  // MARK: - Report

  private func printSummary(_ summaries: [DecodeSummary]) {
    print("## Summary (medians of \(rounds) rounds; a ratio > 1 means Hiyari is faster)")
    print("")
    print(
      "| threads | A Hiyari fps (in-process: open, probe, decode, close) | B ffmpeg fps (its bench rtime) | **A/B** | per-round A/B median (min..max) | A frames per CPU-s | B frames per CPU-s (utime+stime) | A/B per CPU-s | C Hiyari process wall fps | B ffmpeg process wall fps | C/B wall |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for s in summaries {
      let hiyari = median(s.hiyari)
      let rtime = median(s.ffmpegRtime)
      let cpuHiyari = Double(s.frames) / median(s.hiyariCPU)
      let cpuPeer = Double(s.frames) / median(s.ffmpegCPU)
      let process = median(s.hiyariProcessWall)
      let wall = median(s.ffmpegWall)
      print(
        "| \(s.threads) | \(formatDecimal(hiyari, places: 1)) | \(formatDecimal(rtime, places: 1))"
          + " | **\(formatDecimal(hiyari / rtime, places: 3))**"
          + " | \(formatDecimal(median(s.pairedRtime), places: 3)) (\(formatDecimal(s.pairedRtime.min() ?? .nan, places: 3))..\(formatDecimal(s.pairedRtime.max() ?? .nan, places: 3)))"
          + " | \(formatDecimal(cpuHiyari, places: 1)) | \(formatDecimal(cpuPeer, places: 1)) | \(formatDecimal(cpuHiyari / cpuPeer, places: 3))"
          + " | \(formatDecimal(process, places: 1)) | \(formatDecimal(wall, places: 1))"
          + " | \(formatDecimal(process / wall, places: 3)) (per-round \(formatDecimal(median(s.pairedWall), places: 3))) |"
      )
    }
    print("")
    print(
      "| threads | Hiyari decode-only fps (open excluded) | Hiyari open+probe ms | ffmpeg start-up + open + probe + exit ms (B wall - rtime) | Hiyari process start-up + exit ms (C wall - its in-process time) |"
    )
    print("| --- | --- | --- | --- | --- |")
    for s in summaries {
      print(
        "| \(s.threads) | \(formatDecimal(median(s.hiyariDecodeOnly), places: 1)) | \(ms(median(s.hiyariOpen)))"
          + " | \(ms(median(s.ffmpegStartup))) | \(ms(median(s.hiyariProcessStartup))) |")
    }
    print("")
    for s in summaries {
      let ratio = median(s.hiyari) / median(s.ffmpegRtime)
      print(
        "goal (A/B >= 0.95) at threads \(s.threads): \(ratio >= 0.95 ? "met" : "NOT met") (\(formatDecimal(ratio, places: 3)))"
      )
    }
  }

  private func fps(_ frames: Int, _ seconds: Double) -> String {
    formatDecimal(Double(frames) / seconds, places: 1)
  }

  private func ms(_ seconds: Double) -> String { formatDecimal(seconds * 1000, places: 1) }
}

// MARK: - In-process decoding

struct DecodeRun {
  var frames: Int
  /// `MediaSource` init: open, probe (`avformat_find_stream_info`), decoder open.
  var openSeconds: Double
  /// Open to close, the last frame and the decoder's thread shutdown included.
  var totalSeconds: Double
  /// User + system CPU time of this process over the run (all threads).
  var cpuSeconds: Double
  var checksum: UInt64
  var rate: Double { Double(frames) / totalSeconds }
}

/// Decodes all of `clip` through `MediaSource`, reading one byte of every plane of every frame.
func decodeInProcess(clip: String, threads: Int) throws -> DecodeRun {
  var options = MediaSourceOptions()
  options.threads = threads
  let cpuStart = BenchProcess.cpuSeconds()
  let start = monotonicNanoseconds()
  let source: MediaSource
  do {
    source = try MediaSource(clip, options: options)
  } catch {
    printError(error.description)
    throw ExitCode(1)
  }
  let opened = monotonicNanoseconds()
  var frames = 0
  var checksum: UInt64 = 0
  do {
    while let frame = try source.nextFrame() {
      for index in 0..<frame.planeCount {
        let plane = frame.plane(index)
        checksum &+= UInt64(plane.row(plane.rows / 2).load(as: UInt8.self))
      }
      frames += 1
    }
  } catch {
    source.close()
    printError(error.description)
    throw ExitCode(1)
  }
  source.close()
  let end = monotonicNanoseconds()
  return DecodeRun(
    frames: frames, openSeconds: Double(opened - start) / 1e9, totalSeconds: Double(end - start) / 1e9,
    cpuSeconds: BenchProcess.cpuSeconds() - cpuStart, checksum: checksum)
}

struct ChildRun {
  var frames: Int
  var totalSeconds: Double
  var wallSeconds: Double
  var wallRate: Double { Double(frames) / wallSeconds }
}

struct DecodeSummary {
  var threads: Int
  var frames = 0
  var hiyari: [Double] = []
  var hiyariDecodeOnly: [Double] = []
  var hiyariCPU: [Double] = []
  var hiyariOpen: [Double] = []
  var ffmpegRtime: [Double] = []
  var ffmpegWall: [Double] = []
  var ffmpegCPU: [Double] = []
  var ffmpegStartup: [Double] = []
  var hiyariProcessWall: [Double] = []
  var hiyariProcessStartup: [Double] = []
  var pairedRtime: [Double] = []
  var pairedWall: [Double] = []
}

func median(_ values: [Double]) -> Double {
  guard !values.isEmpty else { return .nan }
  let sorted = values.sorted()
  let middle = sorted.count / 2
  return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

// MARK: - ffmpeg as the peer

struct FFmpegRun {
  var frames: Int
  var utime: Double
  var stime: Double
  var rtime: Double
  /// ffmpeg's `bench: maxrss` (its peak RSS), in KiB.
  var maxRSSKiB: Int?
  var wallSeconds: Double
  var rtimeRate: Double { Double(frames) / rtime }
  var wallRate: Double { Double(frames) / wallSeconds }
}

enum BenchFFmpeg {
  /// `ffmpeg -threads N -benchmark -i CLIP [-frames:v F] -f null -`, parsed.
  static func decode(clip: String, threads: Int, ffmpeg: String, frames: Int? = nil) throws -> FFmpegRun {
    var arguments = [
      ffmpeg, "-nostdin", "-hide_banner", "-nostats", "-threads", String(threads), "-benchmark", "-i", clip,
    ]
    if let frames { arguments += ["-frames:v", String(frames)] }
    arguments += ["-f", "null", "-"]
    let result = try BenchProcess.run(arguments)
    guard result.exitStatus == 0 else {
      printError(
        "\(arguments.joined(separator: " ")) failed (status \(result.exitStatus)):\n\(result.output)")
      throw ExitCode(1)
    }
    var run = FFmpegRun(
      frames: -1, utime: .nan, stime: .nan, rtime: .nan, maxRSSKiB: nil, wallSeconds: result.wallSeconds)
    // The last progress report ("frame=  600 fps=...") is printed even with -nostats.
    for line in result.output.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
      if line.hasPrefix("frame=") {
        let digits = line.dropFirst(6).drop(while: { $0 == " " }).prefix(while: { $0.isNumber })
        if let value = Int(digits) { run.frames = value }
      } else if line.hasPrefix("bench: utime=") {
        let fields = BenchText.keyValues(line.dropFirst(7))
        func seconds(_ key: String) -> Double { fields[key].flatMap { Double($0.dropLast()) } ?? .nan }
        run.utime = seconds("utime")
        run.stime = seconds("stime")
        run.rtime = seconds("rtime")
      } else if line.hasPrefix("bench: maxrss=") {
        run.maxRSSKiB = Int(line.dropFirst(14).prefix(while: { $0.isNumber }))
      }
    }
    guard run.frames >= 0, run.rtime.isFinite else {
      printError("cannot parse ffmpeg's -benchmark report:\n\(result.output)")
      throw ExitCode(1)
    }
    return run
  }
}

// MARK: - Clips

/// Benchmark clips, generated once with ffmpeg into a cache folder.
enum BenchClips {
  /// The lavfi source: ffmpeg's testsrc2 pattern (moving shapes, gradients, text) with temporal
  /// grain like a camera sensor's; libx264 at its default preset and CRF encodes it at about
  /// 3.7 Mbit/s, the bitrate range of a 720p dashcam (the bare pattern gives about 3 Mbit/s).
  static let source = "testsrc2=size=1280x720:rate=30,noise=alls=6:allf=t"

  /// A 1280x720 30 fps H.264 (libx264, default preset) MP4 of `frames` frames.
  static func standard(frames: Int, ffmpeg: String) throws -> String {
    let path = "\(try cacheFolder())/testsrc2-noise-1280x720-30fps-\(frames)f-x264.mp4"
    if fileSize(path) ?? 0 > 0 { return path }
    print("generating \(path) with ffmpeg (libx264, default preset; cached for later runs)...")
    try produce(path, ffmpeg: ffmpeg) { partial in
      [
        ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source,
        "-frames:v", String(frames), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-f", "mp4", partial,
      ]
    }
    return path
  }

  /// `clip` repeated `copies` times in one continuous file (stream copy, no re-encoding).
  static func looped(_ clip: String, copies: Int, ffmpeg: String) throws -> String {
    let base = clip.split(separator: "/").last.map(String.init) ?? "clip.mp4"
    let stem = base.hasSuffix(".mp4") ? String(base.dropLast(4)) : base
    let path = "\(try cacheFolder())/\(stem)-x\(copies).mp4"
    if fileSize(path) ?? 0 > 0 { return path }
    print("generating \(path) (\(copies) copies, stream copy)...")
    try produce(path, ffmpeg: ffmpeg) { partial in
      [
        ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-stream_loop", String(copies - 1),
        "-i", clip, "-c", "copy", "-f", "mp4", partial,
      ]
    }
    return path
  }

  /// Runs ffmpeg into a temporary name, then renames, so an interrupted run leaves no half clip.
  private static func produce(_ path: String, ffmpeg: String, arguments: (String) -> [String]) throws {
    let partial = "\(path).partial-\(getpid())"
    let result = try BenchProcess.run(arguments(partial))
    guard result.exitStatus == 0, fileSize(partial) ?? 0 > 0 else {
      unlink(partial)
      printError("ffmpeg could not generate \(path) (status \(result.exitStatus)): \(result.output)")
      throw ExitCode(1)
    }
    guard rename(partial, path) == 0 else {
      unlink(partial)
      printError("\(path): cannot rename: \(String(cString: strerror(errno)))")
      throw ExitCode(1)
    }
  }

  /// $HIYARI_BENCH_CACHE, else $XDG_CACHE_HOME/hiyari/bench, else ~/.cache/hiyari/bench, else
  /// /tmp/hiyari-bench.
  static func cacheFolder() throws -> String {
    let folder: String
    if let explicit = environment("HIYARI_BENCH_CACHE") {
      folder = explicit
    } else if let cache = environment("XDG_CACHE_HOME") {
      folder = "\(cache)/hiyari/bench"
    } else if let home = environment("HOME") {
      folder = "\(home)/.cache/hiyari/bench"
    } else {
      folder = "/tmp/hiyari-bench"
    }
    try makeFolder(folder)
    return folder
  }

  /// "MP4 h264 1280x720 30 fps, 600 frames?, 20.0 s, 3.69 Mbit/s, 9.2 MB" (what is known).
  static func describe(_ path: String) -> String {
    var parts: [String] = []
    if let source = try? MediaSource(path) {
      let info = source.info
      parts.append("\(info.container) \(info.codec) \(info.width)x\(info.height)")
      if let rate = info.framesPerSecond { parts.append("\(formatRate(rate)) fps") }
      if let duration = info.durationSeconds {
        parts.append("\(formatDecimal(duration, places: 2)) s")
        if let size = fileSize(path) {
          parts.append("\(formatDecimal(Double(size) * 8 / duration / 1e6, places: 2)) Mbit/s")
        }
      }
      source.close()
    }
    if let size = fileSize(path) { parts.append("\(formatDecimal(Double(size) / 1e6, places: 1)) MB") }
    return parts.joined(separator: ", ")
  }

  /// The first line of `ffmpeg -version`.
  static func ffmpegVersion(_ ffmpeg: String) -> String {
    guard let result = try? BenchProcess.run([ffmpeg, "-hide_banner", "-version"]) else { return "?" }
    return result.output.split(separator: "\n").first.map(String.init) ?? "?"
  }

  static func fileSize(_ path: String) -> Int64? {
    var status = stat()
    guard stat(path, &status) == 0 else { return nil }
    return Int64(status.st_size)
  }

  static func environment(_ name: String) -> String? {
    guard let value = getenv(name), value.pointee != 0 else { return nil }
    return String(cString: value)
  }
}

// MARK: - Subprocesses and the machine

struct ProcessResult {
  var exitStatus: Int32
  /// Standard output and standard error, interleaved as written.
  var output: String
  /// From just before `posix_spawnp` to `wait4` returning.
  var wallSeconds: Double
  /// The child's peak RSS (`ru_maxrss`), in KiB.
  var maxRSSKiB: Int
}

enum BenchProcess {
  /// Runs `arguments` (found on PATH), standard input from /dev/null, standard output and error
  /// captured together; waits for it.
  static func run(_ arguments: [String]) throws -> ProcessResult {
    var pipeEnds: [Int32] = [-1, -1]
    guard pipe(&pipeEnds) == 0 else {
      printError("pipe: \(String(cString: strerror(errno)))")
      throw ExitCode(1)
    }
    // The child gets the write end only as its fds 1 and 2.
    _ = fcntl(pipeEnds[0], F_SETFD, FD_CLOEXEC)
    _ = fcntl(pipeEnds[1], F_SETFD, FD_CLOEXEC)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 1)
    posix_spawn_file_actions_adddup2(&actions, pipeEnds[1], 2)
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for pointer in argv { free(pointer) } }
    var pid: pid_t = 0
    let start = monotonicNanoseconds()
    let spawned = argv.withUnsafeBufferPointer { pointers in
      posix_spawnp(&pid, arguments[0], &actions, nil, pointers.baseAddress!, environ)
    }
    close(pipeEnds[1])
    guard spawned == 0 else {
      close(pipeEnds[0])
      printError("cannot run \(arguments[0]): \(String(cString: strerror(spawned)))")
      throw ExitCode(1)
    }
    var output: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(pipeEnds[0], $0.baseAddress, $0.count) }
      if count > 0 {
        output.append(contentsOf: buffer[0..<count])
      } else if count == 0 || errno != EINTR {
        break
      }
    }
    close(pipeEnds[0])
    var status: Int32 = 0
    var usage = rusage()
    while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
    let end = monotonicNanoseconds()
    // WIFEXITED / WEXITSTATUS; a signal shows as 128 + its number.
    let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ProcessResult(
      exitStatus: exitStatus, output: String(decoding: output, as: UTF8.self),
      wallSeconds: Double(end - start) / 1e9, maxRSSKiB: Int(usage.ru_maxrss))
  }

  /// User + system CPU seconds of this process (all threads) so far.
  static func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
      + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
  }

  /// This executable's path (/proc/self/exe resolved).
  static func executablePath() -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return CommandLine.arguments[0] }
    return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// What BENCHMARKS.md records next to every figure.
struct BenchMachine {
  var cpu: String
  var cores: Int
  var kernel: String
  var date: String

  static func current() -> BenchMachine {
    let cpuinfo = BenchText.readFile("/proc/cpuinfo") ?? ""
    let model =
      cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
      .flatMap { $0.split(separator: ":", maxSplits: 1).last }
      .map { String($0.drop(while: { $0 == " " })) } ?? "unknown CPU"
    var names = utsname()
    uname(&names)
    let kernel = withUnsafeBytes(of: names.release) {
      String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
    var now = time(nil)
    var parts = tm()
    gmtime_r(&now, &parts)
    var text = [CChar](repeating: 0, count: 64)
    let length = strftime(&text, text.count, "%Y-%m-%dT%H:%M:%SZ", &parts)
    let date = String(decoding: text[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return BenchMachine(
      cpu: model, cores: Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))), kernel: kernel, date: date)
  }
}

enum BenchText {
  /// "key=value key2=value2" fields of a line.
  static func keyValues<S: StringProtocol>(_ line: S) -> [String: String] {
    var fields: [String: String] = [:]
    for word in line.split(separator: " ") {
      let pair = word.split(separator: "=", maxSplits: 1)
      if pair.count == 2 { fields[String(pair[0])] = String(pair[1]) }
    }
    return fields
  }

  /// A whole (small) file, or nil.
  static func readFile(_ path: String) -> String? {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 16384)
    while true {
      let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
      if count > 0 {
        bytes.append(contentsOf: buffer[0..<count])
      } else if count == 0 || errno != EINTR {
        break
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
