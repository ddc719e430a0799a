import Capture

/// What `hiyari capture` accumulates over a run: counts, timestamps, distinct contents.
struct CaptureReport {
  private(set) var frames = 0
  private(set) var firstTimestamp: Int64?
  private(set) var lastTimestamp: Int64?
  private(set) var monotonic = true
  private(set) var format: PixelFormat?
  private(set) var width = 0
  private(set) var height = 0
  private var hashes = Set<UInt64>()

  /// Records a frame; returns the time since the previous frame in nanoseconds.
  mutating func record(_ frame: Frame, digest: FrameDigest) -> Int64? {
    frames += 1
    hashes.insert(digest.hash)
    format = frame.format
    width = frame.width
    height = frame.height
    defer { lastTimestamp = frame.timestampNanoseconds }
    if firstTimestamp == nil { firstTimestamp = frame.timestampNanoseconds }
    guard let last = lastTimestamp else { return nil }
    if frame.timestampNanoseconds <= last { monotonic = false }
    return frame.timestampNanoseconds - last
  }

  /// Rate from the source's own timestamps.
  var framesPerSecond: Double {
    guard frames > 1, let first = firstTimestamp, let last = lastTimestamp, last > first else { return 0 }
    return Double(frames - 1) * 1e9 / Double(last - first)
  }

  /// One line of key=value pairs that scripts (the VM rig, CI) parse.
  func summary(source: any FrameSource, wallSeconds: Double) -> String {
    let statistics = source.statistics
    let formatName = format.map { $0.fourCC.map(FourCC.string) ?? $0.rawValue } ?? "none"
    return "summary: source=\(source.name) frames=\(frames) format=\(formatName) size=\(width)x\(height)"
      + " fps=\(formatDecimal(framesPerSecond, places: 2)) dropped=\(statistics.dropped)"
      + " reconnects=\(statistics.reconnects) distinct=\(hashes.count) monotonic=\(monotonic ? "yes" : "no")"
      + " driver_dropped=\(statistics.droppedByDriver) stale=\(statistics.skippedAsStale)"
      + " decode_errors=\(statistics.decodeErrors)"
      + " wall_fps=\(formatDecimal(wallSeconds > 0 ? Double(frames) / wallSeconds : 0, places: 2))"
  }
}
