/// A node: an operator call with its inputs, outputs and attributes.
public struct Onnx_NodeProto: ProtobufMessage {
  public static let protobufName = "onnx.NodeProto"

  public var input: [String] = []
  public var output: [String] = []
  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var opType: String {
    get { _opType ?? "" }
    set { _opType = newValue }
  }
  public var hasOpType: Bool { _opType != nil }
  public mutating func clearOpType() { _opType = nil }

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

  public var attribute: [Onnx_AttributeProto] = []
  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var metadataProps: [Onnx_StringStringEntryProto] = []
  public var deviceConfigurations: [Onnx_NodeDeviceConfigurationProto] = []

  public init() {}

  private var _name: String?
  private var _opType: String?
  private var _domain: String?
  private var _overload: String?
  private var _docString: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&input, field, "input")
    case 2: try reader.read(&output, field, "output")
    case 3: try reader.read(&_name, field, "name")
    case 4: try reader.read(&_opType, field, "op_type")
    case 7: try reader.read(&_domain, field, "domain")
    case 8: try reader.read(&_overload, field, "overload")
    case 5: try reader.read(&attribute, field, "attribute")
    case 6: try reader.read(&_docString, field, "doc_string")
    case 9: try reader.read(&metadataProps, field, "metadata_props")
    case 10: try reader.read(&deviceConfigurations, field, "device_configurations")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, input)
    writer.write(2, output)
    writer.write(3, _name)
    writer.write(4, _opType)
    writer.write(5, attribute)
    writer.write(6, _docString)
    writer.write(7, _domain)
    writer.write(8, _overload)
    writer.write(9, metadataProps)
    writer.write(10, deviceConfigurations)
  }
}
