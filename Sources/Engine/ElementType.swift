/// The element type of a tensor.
public enum ElementType: String, Sendable, Hashable, CaseIterable, Codable {
  case float32
  case int8
  case uint8
  case int32

  /// Bytes per element.
  public var byteCount: Int {
    switch self {
    case .float32, .int32: 4
    case .int8, .uint8: 1
    }
  }

  /// Whether values of this type carry a scale and zero point.
  public var isQuantized: Bool { self == .int8 || self == .uint8 }
}
