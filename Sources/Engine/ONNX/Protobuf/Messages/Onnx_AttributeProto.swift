/// A named attribute of a node, of the type `type` names (old exporters leave `type` unset).
public struct Onnx_AttributeProto: ProtobufMessage {
  public static let protobufName = "onnx.AttributeProto"

  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var refAttrName: String {
    get { _refAttrName ?? "" }
    set { _refAttrName = newValue }
  }
  public var hasRefAttrName: Bool { _refAttrName != nil }
  public mutating func clearRefAttrName() { _refAttrName = nil }

  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var type: Onnx_AttributeProto.AttributeType {
    get { _type ?? Onnx_AttributeProto.AttributeType() }
    set { _type = newValue }
  }
  public var hasType: Bool { _type != nil }
  public mutating func clearType() { _type = nil }

  public var f: Float {
    get { _f ?? 0 }
    set { _f = newValue }
  }
  public var hasF: Bool { _f != nil }
  public mutating func clearF() { _f = nil }

  public var i: Int64 {
    get { _i ?? 0 }
    set { _i = newValue }
  }
  public var hasI: Bool { _i != nil }
  public mutating func clearI() { _i = nil }

  public var s: [UInt8] {
    get { _s ?? [] }
    set { _s = newValue }
  }
  public var hasS: Bool { _s != nil }
  public mutating func clearS() { _s = nil }

  public var t: Onnx_TensorProto {
    get { _t?.value ?? Onnx_TensorProto() }
    set { _t = ProtobufBox(newValue) }
  }
  public var hasT: Bool { _t != nil }
  public mutating func clearT() { _t = nil }

  public var g: Onnx_GraphProto {
    get { _g?.value ?? Onnx_GraphProto() }
    set { _g = ProtobufBox(newValue) }
  }
  public var hasG: Bool { _g != nil }
  public mutating func clearG() { _g = nil }

  public var sparseTensor: Onnx_SparseTensorProto {
    get { _sparseTensor?.value ?? Onnx_SparseTensorProto() }
    set { _sparseTensor = ProtobufBox(newValue) }
  }
  public var hasSparseTensor: Bool { _sparseTensor != nil }
  public mutating func clearSparseTensor() { _sparseTensor = nil }

  public var tp: Onnx_TypeProto {
    get { _tp?.value ?? Onnx_TypeProto() }
    set { _tp = ProtobufBox(newValue) }
  }
  public var hasTp: Bool { _tp != nil }
  public mutating func clearTp() { _tp = nil }

  public var floats: [Float] = []
  public var ints: [Int64] = []
  public var strings: [[UInt8]] = []
  public var tensors: [Onnx_TensorProto] = []
  public var graphs: [Onnx_GraphProto] = []
  public var sparseTensors: [Onnx_SparseTensorProto] = []
  public var typeProtos: [Onnx_TypeProto] = []

  public init() {}

  private var _name: String?
  private var _refAttrName: String?
  private var _docString: String?
  private var _type: Onnx_AttributeProto.AttributeType?
  private var _f: Float?
  private var _i: Int64?
  private var _s: [UInt8]?
  private var _t: ProtobufBox<Onnx_TensorProto>?
  private var _g: ProtobufBox<Onnx_GraphProto>?
  private var _sparseTensor: ProtobufBox<Onnx_SparseTensorProto>?
  private var _tp: ProtobufBox<Onnx_TypeProto>?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_name, field, "name")
    case 21: try reader.read(&_refAttrName, field, "ref_attr_name")
    case 13: try reader.read(&_docString, field, "doc_string")
    case 20: try reader.readEnum(&_type, field, "type")
    case 2: try reader.read(&_f, field, "f")
    case 3: try reader.read(&_i, field, "i")
    case 4: try reader.read(&_s, field, "s")
    case 5: try reader.read(&_t, field, "t")
    case 6: try reader.read(&_g, field, "g")
    case 22: try reader.read(&_sparseTensor, field, "sparse_tensor")
    case 14: try reader.read(&_tp, field, "tp")
    case 7: try reader.read(&floats, field, "floats")
    case 8: try reader.read(&ints, field, "ints")
    case 9: try reader.read(&strings, field, "strings")
    case 10: try reader.read(&tensors, field, "tensors")
    case 11: try reader.read(&graphs, field, "graphs")
    case 23: try reader.read(&sparseTensors, field, "sparse_tensors")
    case 15: try reader.read(&typeProtos, field, "type_protos")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _name)
    writer.write(2, _f)
    writer.write(3, _i)
    writer.write(4, _s)
    writer.write(5, _t)
    writer.write(6, _g)
    writer.write(7, floats, packed: false)
    writer.write(8, ints, packed: false)
    writer.write(9, strings)
    writer.write(10, tensors)
    writer.write(11, graphs)
    writer.write(13, _docString)
    writer.write(14, _tp)
    writer.write(15, typeProtos)
    writer.writeEnum(20, _type)
    writer.write(21, _refAttrName)
    writer.write(22, _sparseTensor)
    writer.write(23, sparseTensors)
  }
}
