/// A string-to-string entry (metadata_props, external_data).
public struct Onnx_StringStringEntryProto: ProtobufMessage {
  public static let protobufName = "onnx.StringStringEntryProto"

  public var key: String {
    get { _key ?? "" }
    set { _key = newValue }
  }
  public var hasKey: Bool { _key != nil }
  public mutating func clearKey() { _key = nil }

  public var value: String {
    get { _value ?? "" }
    set { _value = newValue }
  }
  public var hasValue: Bool { _value != nil }
  public mutating func clearValue() { _value = nil }

  public init() {}

  private var _key: String?
  private var _value: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_key, field, "key")
    case 2: try reader.read(&_value, field, "value")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _key)
    writer.write(2, _value)
  }
}
