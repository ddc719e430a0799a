/// A sparse tensor: the non-zero values, their indices, and the dense shape.
public struct Onnx_SparseTensorProto: ProtobufMessage {
  public static let protobufName = "onnx.SparseTensorProto"

  public var values: Onnx_TensorProto {
    get { _values?.value ?? Onnx_TensorProto() }
    set { _values = ProtobufBox(newValue) }
  }
  public var hasValues: Bool { _values != nil }
  public mutating func clearValues() { _values = nil }

  public var indices: Onnx_TensorProto {
    get { _indices?.value ?? Onnx_TensorProto() }
    set { _indices = ProtobufBox(newValue) }
  }
  public var hasIndices: Bool { _indices != nil }
  public mutating func clearIndices() { _indices = nil }

  public var dims: [Int64] = []

  public init() {}

  private var _values: ProtobufBox<Onnx_TensorProto>?
  private var _indices: ProtobufBox<Onnx_TensorProto>?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_values, field, "values")
    case 2: try reader.read(&_indices, field, "indices")
    case 3: try reader.read(&dims, field, "dims")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _values)
    writer.write(2, _indices)
    writer.write(3, dims, packed: false)
  }
}
