/// Median and 90th percentile of a set of latencies (nearest-rank percentiles, so every figure
/// is one of the measured values).
public struct LatencySummary: Sendable, Hashable, Codable {
  public var medianMilliseconds: Double
  public var p90Milliseconds: Double
  public var count: Int

  public init(medianMilliseconds: Double, p90Milliseconds: Double, count: Int) {
    self.medianMilliseconds = medianMilliseconds
    self.p90Milliseconds = p90Milliseconds
    self.count = count
  }

  /// The summary of `milliseconds`; throws on an empty set or a value that is not a finite,
  /// non-negative number (a measurer's bug, which must not turn into a plotted NaN).
  public init(_ milliseconds: [Double]) throws(OffloadError) {
    guard !milliseconds.isEmpty else { throw OffloadError("no latencies to summarise") }
    guard milliseconds.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
      throw OffloadError("latencies must be finite and non-negative")
    }
    let sorted = milliseconds.sorted()
    self.init(
      medianMilliseconds: Self.percentile(sorted, 0.5), p90Milliseconds: Self.percentile(sorted, 0.9),
      count: sorted.count)
  }

  /// Nearest rank: the smallest value with at least `fraction` of the values at or below it.
  static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
    let rank = Int((fraction * Double(sorted.count)).rounded(.up))
    return sorted[min(sorted.count, max(1, rank)) - 1]
  }
}
