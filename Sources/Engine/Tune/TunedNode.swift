/// One row of a tuning profile: a node's measured times and the precision it was given.
public struct TunedNode: Sendable, Hashable, Codable {
  public var node: String
  /// The Conv's median time in the all-fp32 model, ms.
  public var fp32Milliseconds: Double
  /// The QLinearConv's median time in the all-int8 model, ms.
  public var int8Milliseconds: Double
  /// The conversions fp32 would add among int8 neighbours (estimated, see `NodeTiming`), ms.
  public var fp32ConversionMilliseconds: Double
  /// The conversions int8 needs at graph inputs and outputs (estimated), ms.
  public var int8ConversionMilliseconds: Double
  /// The model's SNR with only this node in int8, when the accuracy step ranked it.
  public var int8AloneSNRDecibels: Double?
  public var precision: NodePrecision
  public var reason: PrecisionReason

  public init(
    node: String, fp32Milliseconds: Double, int8Milliseconds: Double, fp32ConversionMilliseconds: Double,
    int8ConversionMilliseconds: Double, int8AloneSNRDecibels: Double?, precision: NodePrecision,
    reason: PrecisionReason
  ) {
    self.node = node
    self.fp32Milliseconds = fp32Milliseconds
    self.int8Milliseconds = int8Milliseconds
    self.fp32ConversionMilliseconds = fp32ConversionMilliseconds
    self.int8ConversionMilliseconds = int8ConversionMilliseconds
    self.int8AloneSNRDecibels = int8AloneSNRDecibels
    self.precision = precision
    self.reason = reason
  }
}
