/// Paces a direction to its rate. Tokens are bytes; they accrue at the current rate up to a small
/// burst, and a segment may leave while the count is positive (it may go negative, and the next
/// segment waits for the debt), so the long-run rate is exact whatever the segment sizes.
struct TokenBucket {
  /// The most tokens kept while idle: a few milliseconds at the rate, at least two segments,
  /// so that the relay's millisecond wake-ups do not lose rate and bursts stay small.
  let burstBytes: Double
  var tokens: Double
  var lastRefill: Double

  init(bytesPerSecond: Double, segmentBytes: Int, now: Double) {
    burstBytes = max(Double(2 * segmentBytes), bytesPerSecond * 0.004)
    tokens = burstBytes
    lastRefill = now
  }

  mutating func refill(now: Double, bytesPerSecond: Double) {
    let elapsed = max(0, now - lastRefill)
    lastRefill = now
    tokens = min(burstBytes, tokens + elapsed * bytesPerSecond)
  }

  /// When the count turns positive at `bytesPerSecond`, or nil if it never does (rate 0).
  func positiveAt(bytesPerSecond: Double) -> Double? {
    if tokens > 0 { return lastRefill }
    guard bytesPerSecond > 0 else { return nil }
    return lastRefill + (-tokens + 1) / bytesPerSecond
  }
}
