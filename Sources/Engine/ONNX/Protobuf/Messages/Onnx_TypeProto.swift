/// A value's type: a tensor, sequence, map, optional, sparse tensor or opaque type.
public struct Onnx_TypeProto: ProtobufMessage {
  public static let protobufName = "onnx.TypeProto"

  public var denotation: String {
    get { _denotation ?? "" }
    set { _denotation = newValue }
  }
  public var hasDenotation: Bool { _denotation != nil }
  public mutating func clearDenotation() { _denotation = nil }

  public var value: OneOf_Value? = nil

  public var tensorType: Onnx_TypeProto.Tensor {
    get {
      if case .tensorType(let value)? = value { return value }
      return Onnx_TypeProto.Tensor()
    }
    set { value = .tensorType(newValue) }
  }

  public var sequenceType: Onnx_TypeProto.Sequence {
    get {
      if case .sequenceType(let value)? = value { return value }
      return Onnx_TypeProto.Sequence()
    }
    set { value = .sequenceType(newValue) }
  }

  public var mapType: Onnx_TypeProto.Map {
    get {
      if case .mapType(let value)? = value { return value }
      return Onnx_TypeProto.Map()
    }
    set { value = .mapType(newValue) }
  }

  public var optionalType: Onnx_TypeProto.Optional {
    get {
      if case .optionalType(let value)? = value { return value }
      return Onnx_TypeProto.Optional()
    }
    set { value = .optionalType(newValue) }
  }

  public var sparseTensorType: Onnx_TypeProto.SparseTensor {
    get {
      if case .sparseTensorType(let value)? = value { return value }
      return Onnx_TypeProto.SparseTensor()
    }
    set { value = .sparseTensorType(newValue) }
  }

  public var opaqueType: Onnx_TypeProto.Opaque {
    get {
      if case .opaqueType(let value)? = value { return value }
      return Onnx_TypeProto.Opaque()
    }
    set { value = .opaqueType(newValue) }
  }

  public enum OneOf_Value: Equatable, Sendable {
    case tensorType(Onnx_TypeProto.Tensor)
    case sequenceType(Onnx_TypeProto.Sequence)
    case mapType(Onnx_TypeProto.Map)
    case optionalType(Onnx_TypeProto.Optional)
    case sparseTensorType(Onnx_TypeProto.SparseTensor)
    case opaqueType(Onnx_TypeProto.Opaque)
  }

  public init() {}

  private var _denotation: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 6: try reader.read(&_denotation, field, "denotation")
    case 1:
      var decoded: Onnx_TypeProto.Tensor?
      if case .tensorType(let current)? = value { decoded = current }
      try reader.read(&decoded, field, "tensor_type")
      if let decoded { value = .tensorType(decoded) }
    case 4:
      var decoded: Onnx_TypeProto.Sequence?
      if case .sequenceType(let current)? = value { decoded = current }
      try reader.read(&decoded, field, "sequence_type")
      if let decoded { value = .sequenceType(decoded) }
    case 5:
      var decoded: Onnx_TypeProto.Map?
      if case .mapType(let current)? = value { decoded = current }
      try reader.read(&decoded, field, "map_type")
      if let decoded { value = .mapType(decoded) }
    case 9:
      var decoded: Onnx_TypeProto.Optional?
      if case .optionalType(let current)? = value { decoded = current }
      try reader.read(&decoded, field, "optional_type")
      if let decoded { value = .optionalType(decoded) }
    case 8:
      var decoded: Onnx_TypeProto.SparseTensor?
      if case .sparseTensorType(let current)? = value { decoded = current }
      try reader.read(&decoded, field, "sparse_tensor_type")
      if let decoded { value = .sparseTensorType(decoded) }
    case 7:
      var decoded: Onnx_TypeProto.Opaque?
      if case .opaqueType(let current)? = value { decoded = current }
      try reader.read(&decoded, field, "opaque_type")
      if let decoded { value = .opaqueType(decoded) }
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    if case .tensorType(let value)? = value { writer.write(1, value) }
    if case .sequenceType(let value)? = value { writer.write(4, value) }
    if case .mapType(let value)? = value { writer.write(5, value) }
    writer.write(6, _denotation)
    if case .opaqueType(let value)? = value { writer.write(7, value) }
    if case .sparseTensorType(let value)? = value { writer.write(8, value) }
    if case .optionalType(let value)? = value { writer.write(9, value) }
  }
}
