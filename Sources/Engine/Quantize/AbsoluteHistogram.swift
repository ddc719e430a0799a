/// A streaming histogram of |x| over `[0, top]` with a fixed number of equal bins, for percentile
/// calibration in bounded memory (2048 counters per tensor, however many samples).
///
/// onnxruntime keeps every activation of every sample and histograms them in one go over
/// `[0, max|x|]`. Here `top` starts at the first sample's max|x|, and when a later sample goes
/// beyond it, `top` doubles (adjacent bins merge pairwise) until it covers. With one sample, or
/// when the first sample holds the largest value, the bins are exactly onnxruntime's; otherwise
/// they are at most a power of two coarser.
struct AbsoluteHistogram: Sendable, Hashable {
  static let defaultBinCount = 2048

  private(set) var counts: [Int]
  /// The upper edge of the last bin; 0 until a non-zero value arrives (zeros then count in bin 0).
  private(set) var top: Double = 0
  private(set) var total = 0

  init(binCount: Int = AbsoluteHistogram.defaultBinCount) {
    precondition(binCount >= 2 && binCount % 2 == 0, "an even number of bins, so they merge pairwise")
    counts = [Int](repeating: 0, count: binCount)
  }

  /// Adds one sample's values (NaN is ignored, as numpy's nanmax and histogram do).
  mutating func add(_ values: UnsafeBufferPointer<Float>) {
    var largest: Float = 0
    for value in values where abs(value) > largest { largest = abs(value) }
    guard largest.isFinite else { return add(values.filter { $0.isFinite }) }
    if top == 0 {
      top = Double(largest)
    } else {
      while Double(largest) > top { doubleRange() }
    }
    let binCount = counts.count
    let perUnit = top > 0 ? Double(binCount) / top : 0
    for value in values where !value.isNaN {
      let bin = Int(Double(abs(value)) * perUnit)
      counts[min(bin, binCount - 1)] += 1
      total += 1
    }
  }

  private mutating func add(_ finite: [Float]) {
    finite.withUnsafeBufferPointer { add($0) }
  }

  private mutating func doubleRange() {
    let half = counts.count / 2
    for index in 0..<half { counts[index] = counts[2 * index] + counts[2 * index + 1] }
    for index in half..<counts.count { counts[index] = 0 }
    top *= 2
  }

  /// The lower edge of the first bin where the cumulative share reaches `percentile`%: exactly
  /// onnxruntime's `hist_edges[searchsorted(cdf, percentile / 100)]`.
  func threshold(percentile: Double) -> Float {
    guard total > 0 else { return 0 }
    let target = percentile / 100
    var cumulative = 0
    for (index, count) in counts.enumerated() {
      cumulative += count
      if Double(cumulative) / Double(total) >= target {
        return Float(Double(index) * (top / Double(counts.count)))
      }
    }
    return Float(top)
  }
}
