import FoundationEssentials
import Perception

#if canImport(Glibc)
  import Glibc
#endif

/// What `hiyari run` shows while it runs: one line per alert and per logged event, a progress
/// bar for files on a terminal (plain progress lines every few seconds otherwise), and the
/// summary. With `--json`, standard output carries only the JSON summary.
final class RunDisplay {
  private let json: Bool
  private let isFile: Bool
  /// Whether progress is redrawn in place (standard error is a terminal).
  private let isTerminal = isatty(2) == 1
  private var lastDraw: Int64 = 0
  private var barShown = false
  private let start = monotonicNanoseconds()

  /// Seconds between plain progress lines when standard error is not a terminal.
  static let plainInterval: Int64 = 5_000_000_000

  init(json: Bool, isFile: Bool) {
    self.json = json
    self.isFile = isFile
  }

  func alert(_ alert: NearMissAlert, className: String) {
    line(
      "alert t=\(seconds(alert.time))s class=\(className) track=\(alert.trackID)"
        + " ttc=\(alert.ttc.map { seconds($0) + "s" } ?? "-") risk=\(alert.level)")
  }

  func event(_ event: NearMissEvent) {
    var text =
      "event t=\(seconds(event.start))-\(seconds(event.end))s class=\(event.className) track=\(event.trackID)"
      + " min_ttc=\(event.minimumTTC.isFinite ? seconds(event.minimumTTC) + "s" : "-") risk=\(event.level)"
    if let clip = event.clipPath { text += " clip=\(clip)" }
    if let snapshot = event.snapshotPath { text += " snapshot=\(snapshot)" }
    line(text)
  }

  func notice(_ message: String) {
    clearBar()
    printNotice(message)
  }

  func progress(_ progress: RunPipeline.Progress) {
    let now = monotonicNanoseconds()
    if isTerminal {
      guard now - lastDraw >= 100_000_000 else { return }
      lastDraw = now
      drawBar(progress, now: now)
    } else {
      guard now - lastDraw >= Self.plainInterval else { return }
      lastDraw = now
      var standardError = StandardError()
      print(status(progress, now: now), to: &standardError)
    }
  }

  func finish(_ summary: RunSummary) {
    clearBar()
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
      if let data = try? encoder.encode(summary) {
        print(String(decoding: data, as: UTF8.self))
      }
      return
    }
    print(
      "summary: source=\(summary.source) frames=\(summary.frames) fps=\(formatDecimal(summary.framesPerSecond, places: 1))"
        + " wall_s=\(formatDecimal(summary.wallSeconds, places: 2)) dropped=\(summary.dropped)"
        + " stale=\(summary.droppedStale) driver_dropped=\(summary.droppedByDriver)"
        + " decode_errors=\(summary.decodeErrors) alerts=\(summary.alerts) events=\(summary.events)"
        + " clips=\(summary.clips.count) annotated_frames=\(summary.annotatedFrames)"
        + " interrupted=\(summary.interrupted ? "yes" : "no") model_hash=\(summary.modelHash.prefix(16))")
    for stage in summary.stages {
      print(
        "stage \(stage.stage.rawValue) p50_ms=\(formatDecimal(stage.p50Milliseconds, places: 2))"
          + " p99_ms=\(formatDecimal(stage.p99Milliseconds, places: 2)) count=\(stage.count)")
    }
    for clip in summary.clips {
      print("clip \(clip.path) t=\(seconds(clip.start))-\(seconds(clip.end))s\(clip.isKept ? " kept" : "")")
    }
    fflush(nil)
  }

  /// An event or alert line: standard output, or standard error under --json.
  private func line(_ text: String) {
    clearBar()
    if json {
      var standardError = StandardError()
      print(text, to: &standardError)
    } else {
      print(text)
      fflush(nil)
    }
  }

  private func status(_ progress: RunPipeline.Progress, now: Int64) -> String {
    let elapsed = Double(now - start) / 1e9
    let rate = elapsed > 0 ? Double(progress.frames) / elapsed : 0
    var text = "progress: frames=\(progress.frames) t=\(seconds(progress.time))s"
    if let duration = progress.duration, duration > 0 {
      text += " \(Int(min(progress.time / duration, 1) * 100))%"
    }
    return text
      + " fps=\(formatDecimal(rate, places: 1)) dropped=\(progress.dropped) events=\(progress.events)"
  }

  private func drawBar(_ progress: RunPipeline.Progress, now: Int64) {
    var text = ""
    if isFile, let duration = progress.duration, duration > 0 {
      let fraction = min(max(progress.time / duration, 0), 1)
      let width = 30
      let filled = Int(fraction * Double(width))
      text =
        "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] "
    }
    text += status(progress, now: now).dropFirst("progress: ".count)
    var standardError = StandardError()
    print("\r\u{1B}[K" + text, terminator: "", to: &standardError)
    barShown = true
  }

  private func clearBar() {
    guard barShown else { return }
    var standardError = StandardError()
    print("\r\u{1B}[K", terminator: "", to: &standardError)
    barShown = false
  }

  private func seconds(_ value: Double) -> String { formatDecimal(value, places: 3) }
}
