/// One whole-model configuration measured on this machine: its latency and its accuracy against
/// the float model on the calibration samples.
public struct PrecisionMeasurement: Sendable, Hashable, Codable {
  /// Median latency of a whole run, in milliseconds.
  public var latencyMilliseconds: Double
  /// The worst output SNR against the float model, in dB (`OutputAccuracy.maximumSNR` if exact).
  public var snrDecibels: Double
  /// The nodes run in fp32 (of the tunable ones).
  public var floatNodes: Int

  public init(latencyMilliseconds: Double, snrDecibels: Double, floatNodes: Int) {
    self.latencyMilliseconds = latencyMilliseconds
    self.snrDecibels = snrDecibels
    self.floatNodes = floatNodes
  }
}
