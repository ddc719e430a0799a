/// A node attribute, as ONNX defines them (the kinds small vision models use).
public enum Attribute: Sendable, Hashable, Codable {
  case int(Int)
  case ints([Int])
  case float(Float)
  case floats([Float])
  case string(String)

  public var intValue: Int? { if case .int(let value) = self { value } else { nil } }
  public var intsValue: [Int]? {
    switch self {
    case .ints(let values): values
    case .int(let value): [value]
    default: nil
    }
  }
  public var floatValue: Float? {
    switch self {
    case .float(let value): value
    case .int(let value): Float(value)
    default: nil
    }
  }
  public var floatsValue: [Float]? { if case .floats(let values) = self { values } else { nil } }
  public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
}
