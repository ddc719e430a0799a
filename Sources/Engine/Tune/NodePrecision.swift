/// The arithmetic one node runs in.
public enum NodePrecision: String, Sendable, Hashable, Codable {
  /// The int8 kernel (QLinearConv) between uint8 activations.
  case int8
  /// The float kernel (Conv) between float activations.
  case fp32
}
