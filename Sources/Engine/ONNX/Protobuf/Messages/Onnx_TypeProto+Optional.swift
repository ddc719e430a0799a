extension Onnx_TypeProto {
  /// An optional type: the type of its value.
  public struct Optional: ProtobufMessage {
    public static let protobufName = "onnx.TypeProto.Optional"

    public var elemType: Onnx_TypeProto {
      get { _elemType?.value ?? Onnx_TypeProto() }
      set { _elemType = ProtobufBox(newValue) }
    }
    public var hasElemType: Bool { _elemType != nil }
    public mutating func clearElemType() { _elemType = nil }

    public init() {}

    private var _elemType: ProtobufBox<Onnx_TypeProto>?

    public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
      throws(ProtobufError)
    {
      switch field.number {
      case 1: try reader.read(&_elemType, field, "elem_type")
      default: try reader.skip(field)
      }
    }

    public func encode(to writer: inout ProtobufWriter) {
      writer.write(1, _elemType)
    }
  }
}
