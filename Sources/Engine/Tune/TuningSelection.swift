/// Which configuration the tuner kept after measuring them whole.
public enum TuningSelection: String, Sendable, Hashable, Codable {
  /// The per-node mix `PrecisionSearch` chose.
  case tuned
  /// Every tunable node in int8: faster measured whole than the mix, and within the budget.
  case allInt8 = "all-int8"
  /// Every node in fp32: faster measured whole than anything within the budget.
  case allFP32 = "all-fp32"
}
