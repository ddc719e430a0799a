/// A value's name and type (a graph input, output or intermediate).
public struct Onnx_ValueInfoProto: ProtobufMessage {
  public static let protobufName = "onnx.ValueInfoProto"

  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var type: Onnx_TypeProto {
    get { _type?.value ?? Onnx_TypeProto() }
    set { _type = ProtobufBox(newValue) }
  }
  public var hasType: Bool { _type != nil }
  public mutating func clearType() { _type = nil }

  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var metadataProps: [Onnx_StringStringEntryProto] = []

  public init() {}

  private var _name: String?
  private var _type: ProtobufBox<Onnx_TypeProto>?
  private var _docString: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_name, field, "name")
    case 2: try reader.read(&_type, field, "type")
    case 3: try reader.read(&_docString, field, "doc_string")
    case 4: try reader.read(&metadataProps, field, "metadata_props")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _name)
    writer.write(2, _type)
    writer.write(3, _docString)
    writer.write(4, metadataProps)
  }
}
