/// How one axis of a tensor is sharded.
public struct Onnx_ShardedDimProto: ProtobufMessage {
  public static let protobufName = "onnx.ShardedDimProto"

  public var axis: Int64 {
    get { _axis ?? 0 }
    set { _axis = newValue }
  }
  public var hasAxis: Bool { _axis != nil }
  public mutating func clearAxis() { _axis = nil }

  public var simpleSharding: [Onnx_SimpleShardedDimProto] = []

  public init() {}

  private var _axis: Int64?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_axis, field, "axis")
    case 2: try reader.read(&simpleSharding, field, "simple_sharding")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _axis)
    writer.write(2, simpleSharding)
  }
}
