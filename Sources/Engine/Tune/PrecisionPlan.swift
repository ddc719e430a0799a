/// The per-node choice `PrecisionSearch` makes, with the accuracy it measured for it.
public struct PrecisionPlan: Sendable, Hashable {
  /// The nodes to run in fp32 (`PostTrainingQuantizer.Options.keepFloat`); all others int8.
  public var floatNodes: Set<String>
  /// Why each node got its precision.
  public var reasons: [String: PrecisionReason]
  /// The accuracy of the whole model with this choice (the oracle's figure, e.g. SNR in dB).
  public var accuracy: Double
  /// For nodes whose int8 version was ranked for accuracy: the model's accuracy with only that
  /// node in int8. Lower means the node costs more accuracy. Empty when all-int8 met the budget.
  public var int8AloneAccuracy: [String: Double]
  /// Whether `accuracy` meets the budget the search was given.
  public var meetsBudget: Bool

  public init(
    floatNodes: Set<String>, reasons: [String: PrecisionReason], accuracy: Double,
    int8AloneAccuracy: [String: Double], meetsBudget: Bool
  ) {
    self.floatNodes = floatNodes
    self.reasons = reasons
    self.accuracy = accuracy
    self.int8AloneAccuracy = int8AloneAccuracy
    self.meetsBudget = meetsBudget
  }

  public func precision(of node: String) -> NodePrecision { floatNodes.contains(node) ? .fp32 : .int8 }
}
