/// Why the tuner gave a node its precision.
public enum PrecisionReason: String, Sendable, Hashable, Codable {
  /// int8, faster than fp32 on this machine, and the budget allows it.
  case int8Faster = "int8 faster"
  /// fp32: int8 was not faster here, once the conversions each choice needs are counted.
  case int8NotFaster = "int8 not faster"
  /// fp32: int8 would be faster, but the model's accuracy fell below the budget with it.
  case accuracy = "accuracy budget"
  /// Set by the final check: the whole-model measurement picked a uniform precision instead of
  /// the per-node mix (see `TuningSelection`).
  case wholeModel = "whole model faster"
}
