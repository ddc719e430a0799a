/// How calibration turns the values a tensor took on the calibration set into the range its
/// uint8 quantization covers.
public enum CalibrationMethod: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The smallest and largest value seen (onnxruntime's MinMax).
  case minMax
  /// onnxruntime's "Percentile" calibration with its default `symmetric=True`: a histogram of |x|
  /// (2048 bins) gives the threshold `t` below which `percentile`% of the values lie; the range
  /// is `[-t, t]` clamped to the smallest and largest value seen, so a non-negative tensor (a
  /// Relu output) gets `[min, t]` and a signed one a symmetric range. `percentile` is in percent,
  /// e.g. 99.99.
  case percentile(Double)

  public var description: String {
    switch self {
    case .minMax: "minmax"
    case .percentile(let value): "percentile \(value)"
    }
  }
}
