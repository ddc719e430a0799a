/// What calibration learnt about a float graph: the range of every float activation (graph
/// inputs and node outputs), by tensor name. Codable, so a table can be kept next to a model and
/// reused to quantize it again with other options without running the calibration set again.
public struct CalibrationTable: Sendable, Hashable, Codable {
  public var method: CalibrationMethod
  /// How many samples the ranges were taken over.
  public var sampleCount: Int
  public var ranges: [String: TensorRange]

  public init(method: CalibrationMethod, sampleCount: Int, ranges: [String: TensorRange]) {
    self.method = method
    self.sampleCount = sampleCount
    self.ranges = ranges
  }
}
