extension Onnx_TypeProto {
  /// A sparse tensor type: element type and, if known, shape.
  public struct SparseTensor: ProtobufMessage {
    public static let protobufName = "onnx.TypeProto.SparseTensor"

    public var elemType: Int32 {
      get { _elemType ?? 0 }
      set { _elemType = newValue }
    }
    public var hasElemType: Bool { _elemType != nil }
    public mutating func clearElemType() { _elemType = nil }

    public var shape: Onnx_TensorShapeProto {
      get { _shape?.value ?? Onnx_TensorShapeProto() }
      set { _shape = ProtobufBox(newValue) }
    }
    public var hasShape: Bool { _shape != nil }
    public mutating func clearShape() { _shape = nil }

    public init() {}

    private var _elemType: Int32?
    private var _shape: ProtobufBox<Onnx_TensorShapeProto>?

    public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
      throws(ProtobufError)
    {
      switch field.number {
      case 1: try reader.read(&_elemType, field, "elem_type")
      case 2: try reader.read(&_shape, field, "shape")
      default: try reader.skip(field)
      }
    }

    public func encode(to writer: inout ProtobufWriter) {
      writer.write(1, _elemType)
      writer.write(2, _shape)
    }
  }
}
