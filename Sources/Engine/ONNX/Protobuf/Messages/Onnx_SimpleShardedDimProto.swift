/// A part of a sharded axis: its size (or symbolic size) and the number of shards.
public struct Onnx_SimpleShardedDimProto: ProtobufMessage {
  public static let protobufName = "onnx.SimpleShardedDimProto"

  public var numShards: Int64 {
    get { _numShards ?? 0 }
    set { _numShards = newValue }
  }
  public var hasNumShards: Bool { _numShards != nil }
  public mutating func clearNumShards() { _numShards = nil }

  public var dim: OneOf_Dim? = nil

  public var dimValue: Int64 {
    get {
      if case .dimValue(let value)? = dim { return value }
      return 0
    }
    set { dim = .dimValue(newValue) }
  }

  public var dimParam: String {
    get {
      if case .dimParam(let value)? = dim { return value }
      return ""
    }
    set { dim = .dimParam(newValue) }
  }

  public enum OneOf_Dim: Equatable, Sendable {
    case dimValue(Int64)
    case dimParam(String)
  }

  public init() {}

  private var _numShards: Int64?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 3: try reader.read(&_numShards, field, "num_shards")
    case 1:
      var decoded: Int64?
      try reader.read(&decoded, field, "dim_value")
      if let decoded { dim = .dimValue(decoded) }
    case 2:
      var decoded: String?
      try reader.read(&decoded, field, "dim_param")
      if let decoded { dim = .dimParam(decoded) }
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    if case .dimValue(let value)? = dim { writer.write(1, value) }
    if case .dimParam(let value)? = dim { writer.write(2, value) }
    writer.write(3, _numShards)
  }
}
