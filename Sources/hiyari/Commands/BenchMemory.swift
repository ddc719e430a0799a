import ArgumentParser
import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari bench memory`: steady-state memory while decoding many frames through `MediaSource`.
///
/// Decodes `--frames` frames (10,000 by default) of a 1280x720 H.264 clip, reopening the file
/// whenever it ends, and samples this process's resident set (VmRSS) and peak (VmHWM) along the
/// way. The check: RSS and its peak may not grow by more than `--tolerance-kib` between the
/// tenth of the run (frame 1,000 of 10,000) and its end. The peer is ffmpeg's own peak RSS
/// (`-benchmark`'s maxrss) decoding the same file with the same threads.
struct BenchMemory: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "memory",
    abstract: "Peak RSS and RSS growth while decoding 10,000 frames (fails on growth).")

  @Option(help: "An H.264 file (default: a generated 1280x720 30 fps clip, cached).")
  var clip: String?

  @Option(help: "Frames to decode; the file is reopened whenever it ends.")
  var frames: Int = 10_000

  @Option(help: "Decoder threads (0 = one per core, the CLI's default).")
  var threads: Int = 0

  @Flag(
    help: """
      Loop the short clip by closing and reopening it at each end (tests open/close for leaks) \
      instead of decoding one long file made of copies of it (steady state of one decoder).
      """)
  var reopen = false

  @Option(help: "Frames in the generated clip.")
  var clipFrames: Int = 600

  @Option(help: "Allowed growth of RSS and of peak RSS from the baseline (frames/10) to the end, KiB.")
  var toleranceKib: Int = 1024

  @Option(help: "The ffmpeg to compare against (and to generate clips with).")
  var ffmpeg: String = "ffmpeg"

  func validate() throws {
    guard frames >= 10 else { throw ValidationError("--frames must be at least 10") }
    guard threads >= 0 else { throw ValidationError("--threads must be 0 or more") }
    guard clipFrames > 0 else { throw ValidationError("--clip-frames must be positive") }
    guard toleranceKib >= 0 else { throw ValidationError("--tolerance-kib must be 0 or more") }
  }

  func run() throws {
    let startRSS = MemorySample.read(frame: 0)
    let base = try clip ?? BenchClips.standard(frames: clipFrames, ffmpeg: ffmpeg)
    let path: String
    if reopen || clip != nil {
      path = base
    } else {
      let copies = (frames + clipFrames - 1) / clipFrames
      path = copies > 1 ? try BenchClips.looped(base, copies: copies, ffmpeg: ffmpeg) : base
    }
    let machine = BenchMachine.current()
    print("# hiyari bench memory")
    print("- clip: \(path) (\(BenchClips.describe(path)))")
    print("- machine: \(machine.cpu), \(machine.cores) cores, Linux \(machine.kernel); \(machine.date)")
    print(
      "- mode: \(reopen ? "reopen the clip at each end" : "one long file (reopened only if it ends)"), threads \(threads)"
    )
    print("")

    let baselineFrame = frames / 10
    var checkpoints = Set([1, 100, baselineFrame / 2, baselineFrame, frames])
    for step in 1...9 { checkpoints.insert(baselineFrame + (frames - baselineFrame) * step / 9) }
    var samples: [MemorySample] = []
    var windowMaximum = 0  // largest VmRSS seen from the baseline on, sampled every 50 frames
    var opens = 0
    var decoded = 0
    var checksum: UInt64 = 0
    var options = MediaSourceOptions()
    options.threads = threads
    let start = monotonicNanoseconds()
    do {
      while decoded < frames {
        let source = try MediaSource(path, options: options)
        opens += 1
        var fromThisOpen = 0
        while decoded < frames, let frame = try source.nextFrame() {
          for index in 0..<frame.planeCount {
            let plane = frame.plane(index)
            checksum &+= UInt64(plane.row(plane.rows / 2).load(as: UInt8.self))
          }
          decoded += 1
          fromThisOpen += 1
          if checkpoints.contains(decoded) {
            samples.append(MemorySample.read(frame: decoded, opens: opens))
          }
          if decoded >= baselineFrame && decoded % 50 == 0 {
            windowMaximum = max(windowMaximum, MemorySample.residentBytes())
          }
        }
        source.close()
        if fromThisOpen == 0 {
          printError("\(path): no frames")
          throw ExitCode(1)
        }
      }
    } catch let error as CaptureError {
      printError(error.description)
      throw ExitCode(1)
    }
    let seconds = Double(monotonicNanoseconds() - start) / 1e9
    let end = MemorySample.read(frame: decoded, opens: opens)
    let peer = try BenchFFmpeg.decode(
      clip: path, threads: threads, ffmpeg: ffmpeg, frames: reopen ? nil : frames)

    print("| frame | opens | VmRSS MiB | VmHWM MiB |")
    print("| --- | --- | --- | --- |")
    print("| before open | 0 | \(mib(startRSS.rss)) | \(mib(startRSS.hwm)) |")
    for sample in samples {
      print("| \(sample.frame) | \(sample.opens) | \(mib(sample.rss)) | \(mib(sample.hwm)) |")
    }
    print("")
    guard let baseline = samples.first(where: { $0.frame == baselineFrame }),
      let last = samples.last(where: { $0.frame == frames })
    else {
      printError("missing samples")
      throw ExitCode(1)
    }
    let growth = last.rss - baseline.rss
    let peakGrowth = last.hwm - baseline.hwm
    let windowGrowth = max(windowMaximum, last.rss) - baseline.rss
    let slope = MemorySample.slope(samples.filter { $0.frame >= baselineFrame })
    let tolerance = toleranceKib * 1024
    let passed = growth <= tolerance && peakGrowth <= tolerance
    print("| figure | value |")
    print("| --- | --- |")
    print(
      "| frames decoded (opens) | \(decoded) (\(opens)) in \(formatDecimal(seconds, places: 1)) s, checksum \(checksum) |"
    )
    let peak = max(last.hwm, end.hwm, MemorySample.maximumResidentBytes())
    print("| peak RSS (VmHWM, ru_maxrss) over the run | \(mib(peak)) MiB |")
    print(
      "| ffmpeg peak RSS, same file and threads (peer) | \(peer.maxRSSKiB.map { mib($0 * 1024) } ?? "?") MiB (\(peer.frames) frames) |"
    )
    if let peerKiB = peer.maxRSSKiB {
      print(
        "| peak RSS ratio Hiyari/ffmpeg | \(formatDecimal(Double(peak) / Double(peerKiB * 1024), places: 3)) |"
      )
    }
    print("| RSS growth frame \(baselineFrame) -> \(frames) | \(kib(growth)) KiB |")
    print("| peak (VmHWM) growth frame \(baselineFrame) -> \(frames) | \(kib(peakGrowth)) KiB |")
    print(
      "| largest RSS after frame \(baselineFrame) (every 50 frames) minus RSS at \(baselineFrame) | \(kib(windowGrowth)) KiB |"
    )
    print(
      "| least-squares RSS slope from frame \(baselineFrame) | \(formatDecimal(slope, places: 2)) bytes/frame |"
    )
    print("| tolerance | \(toleranceKib) KiB |")
    print("")
    print("check (RSS and peak growth <= \(toleranceKib) KiB): \(passed ? "passed" : "FAILED")")
    if !passed { throw ExitCode(1) }
  }

  private func mib(_ bytes: Int) -> String { formatDecimal(Double(bytes) / 1_048_576, places: 1) }
  private func kib(_ bytes: Int) -> String { String(bytes / 1024) }
}

/// This process's resident memory at one point of a run.
struct MemorySample {
  var frame: Int
  var opens: Int = 0
  /// VmRSS, bytes.
  var rss: Int
  /// VmHWM (the peak of VmRSS so far), bytes.
  var hwm: Int

  static func read(frame: Int, opens: Int = 0) -> MemorySample {
    var rss = 0
    var hwm = 0
    for line in (BenchText.readFile("/proc/self/status") ?? "").split(separator: "\n") {
      if line.hasPrefix("VmRSS:") { rss = kibField(line) * 1024 }
      if line.hasPrefix("VmHWM:") { hwm = kibField(line) * 1024 }
    }
    return MemorySample(frame: frame, opens: opens, rss: rss, hwm: hwm)
  }

  /// VmRSS from /proc/self/statm (resident pages), cheap enough to read every few frames.
  static func residentBytes() -> Int {
    let fields = (BenchText.readFile("/proc/self/statm") ?? "").split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  /// This process's peak RSS as getrusage reports it (ru_maxrss, the same source as ffmpeg's
  /// `bench: maxrss`).
  static func maximumResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Int(usage.ru_maxrss) * 1024
  }

  /// "VmRSS:	   12345 kB" -> 12345.
  private static func kibField(_ line: Substring) -> Int {
    Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
  }

  /// Least-squares slope of RSS over frames, bytes per frame.
  static func slope(_ samples: [MemorySample]) -> Double {
    guard samples.count > 1 else { return 0 }
    let n = Double(samples.count)
    let meanX = samples.reduce(0.0) { $0 + Double($1.frame) } / n
    let meanY = samples.reduce(0.0) { $0 + Double($1.rss) } / n
    var covariance = 0.0
    var variance = 0.0
    for sample in samples {
      covariance += (Double(sample.frame) - meanX) * (Double(sample.rss) - meanY)
      variance += (Double(sample.frame) - meanX) * (Double(sample.frame) - meanX)
    }
    return variance > 0 ? covariance / variance : 0
  }
}
