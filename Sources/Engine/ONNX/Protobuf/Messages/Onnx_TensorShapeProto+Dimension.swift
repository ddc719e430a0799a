extension Onnx_TensorShapeProto {
  /// One axis: a fixed size (`dimValue`), a symbolic one (`dimParam`), or unknown (`value` nil).
  public struct Dimension: ProtobufMessage {
    public static let protobufName = "onnx.TensorShapeProto.Dimension"

    public var denotation: String {
      get { _denotation ?? "" }
      set { _denotation = newValue }
    }
    public var hasDenotation: Bool { _denotation != nil }
    public mutating func clearDenotation() { _denotation = nil }

    public var value: OneOf_Value? = nil

    public var dimValue: Int64 {
      get {
        if case .dimValue(let value)? = value { return value }
        return 0
      }
      set { value = .dimValue(newValue) }
    }

    public var dimParam: String {
      get {
        if case .dimParam(let value)? = value { return value }
        return ""
      }
      set { value = .dimParam(newValue) }
    }

    public enum OneOf_Value: Equatable, Sendable {
      case dimValue(Int64)
      case dimParam(String)
    }

    public init() {}

    private var _denotation: String?

    public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
      throws(ProtobufError)
    {
      switch field.number {
      case 3: try reader.read(&_denotation, field, "denotation")
      case 1:
        var decoded: Int64?
        try reader.read(&decoded, field, "dim_value")
        if let decoded { value = .dimValue(decoded) }
      case 2:
        var decoded: String?
        try reader.read(&decoded, field, "dim_param")
        if let decoded { value = .dimParam(decoded) }
      default: try reader.skip(field)
      }
    }

    public func encode(to writer: inout ProtobufWriter) {
      if case .dimValue(let value)? = value { writer.write(1, value) }
      if case .dimParam(let value)? = value { writer.write(2, value) }
      writer.write(3, _denotation)
    }
  }
}
