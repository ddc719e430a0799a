/// The running statistics of one tensor over the calibration samples: its smallest and largest
/// value and, for percentile calibration, a histogram of |x|. Never holds the values themselves.
struct TensorStatistics: Sendable {
  private(set) var minimum = Float.infinity
  private(set) var maximum = -Float.infinity
  private(set) var histogram: AbsoluteHistogram?

  init(method: CalibrationMethod) {
    if case .percentile = method { histogram = AbsoluteHistogram() }
  }

  mutating func add(_ values: UnsafeBufferPointer<Float>) {
    // NaN fails both comparisons and so is ignored, like numpy's nanmin/nanmax.
    for value in values {
      if value < minimum { minimum = value }
      if value > maximum { maximum = value }
    }
    histogram?.add(values)
  }

  /// The range for `method`; (0, 0) for a tensor that never held a number.
  func range(_ method: CalibrationMethod) -> TensorRange {
    guard minimum <= maximum else { return TensorRange(min: 0, max: 0) }
    switch method {
    case .minMax:
      return TensorRange(min: minimum, max: maximum)
    case .percentile(let percentile):
      let threshold = histogram?.threshold(percentile: percentile) ?? Swift.max(-minimum, maximum)
      // onnxruntime's symmetric percentile range [-t, t], clamped to what was actually seen.
      return TensorRange(min: Swift.max(-threshold, minimum), max: Swift.min(threshold, maximum))
    }
  }
}
