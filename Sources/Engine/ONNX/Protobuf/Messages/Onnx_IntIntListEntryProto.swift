/// An entry of a map from int64 to a list of int64 (a device group).
public struct Onnx_IntIntListEntryProto: ProtobufMessage {
  public static let protobufName = "onnx.IntIntListEntryProto"

  public var key: Int64 {
    get { _key ?? 0 }
    set { _key = newValue }
  }
  public var hasKey: Bool { _key != nil }
  public mutating func clearKey() { _key = nil }

  public var value: [Int64] = []

  public init() {}

  private var _key: Int64?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_key, field, "key")
    case 2: try reader.read(&value, field, "value")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _key)
    writer.write(2, value, packed: false)
  }
}
