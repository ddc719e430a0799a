extension Onnx_TypeProto {
  /// A map type: key element type and value type.
  public struct Map: ProtobufMessage {
    public static let protobufName = "onnx.TypeProto.Map"

    public var keyType: Int32 {
      get { _keyType ?? 0 }
      set { _keyType = newValue }
    }
    public var hasKeyType: Bool { _keyType != nil }
    public mutating func clearKeyType() { _keyType = nil }

    public var valueType: Onnx_TypeProto {
      get { _valueType?.value ?? Onnx_TypeProto() }
      set { _valueType = ProtobufBox(newValue) }
    }
    public var hasValueType: Bool { _valueType != nil }
    public mutating func clearValueType() { _valueType = nil }

    public init() {}

    private var _keyType: Int32?
    private var _valueType: ProtobufBox<Onnx_TypeProto>?

    public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
      throws(ProtobufError)
    {
      switch field.number {
      case 1: try reader.read(&_keyType, field, "key_type")
      case 2: try reader.read(&_valueType, field, "value_type")
      default: try reader.skip(field)
      }
    }

    public func encode(to writer: inout ProtobufWriter) {
      writer.write(1, _keyType)
      writer.write(2, _valueType)
    }
  }
}
