/// A model-local function: a graph of nodes used as an operator of domain `domain`.
public struct Onnx_FunctionProto: ProtobufMessage {
  public static let protobufName = "onnx.FunctionProto"

  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var input: [String] = []
  public var output: [String] = []
  public var attribute: [String] = []
  public var attributeProto: [Onnx_AttributeProto] = []
  public var node: [Onnx_NodeProto] = []
  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var opsetImport: [Onnx_OperatorSetIdProto] = []
  public var domain: String {
    get { _domain ?? "" }
    set { _domain = newValue }
  }
  public var hasDomain: Bool { _domain != nil }
  public mutating func clearDomain() { _domain = nil }

  public var overload: String {
    get { _overload ?? "" }
    set { _overload = newValue }
  }
  public var hasOverload: Bool { _overload != nil }
  public mutating func clearOverload() { _overload = nil }

  public var valueInfo: [Onnx_ValueInfoProto] = []
  public var metadataProps: [Onnx_StringStringEntryProto] = []

  public init() {}

  private var _name: String?
  private var _docString: String?
  private var _domain: String?
  private var _overload: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_name, field, "name")
    case 4: try reader.read(&input, field, "input")
    case 5: try reader.read(&output, field, "output")
    case 6: try reader.read(&attribute, field, "attribute")
    case 11: try reader.read(&attributeProto, field, "attribute_proto")
    case 7: try reader.read(&node, field, "node")
    case 8: try reader.read(&_docString, field, "doc_string")
    case 9: try reader.read(&opsetImport, field, "opset_import")
    case 10: try reader.read(&_domain, field, "domain")
    case 13: try reader.read(&_overload, field, "overload")
    case 12: try reader.read(&valueInfo, field, "value_info")
    case 14: try reader.read(&metadataProps, field, "metadata_props")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _name)
    writer.write(4, input)
    writer.write(5, output)
    writer.write(6, attribute)
    writer.write(7, node)
    writer.write(8, _docString)
    writer.write(9, opsetImport)
    writer.write(10, _domain)
    writer.write(11, attributeProto)
    writer.write(12, valueInfo)
    writer.write(13, _overload)
    writer.write(14, metadataProps)
  }
}
