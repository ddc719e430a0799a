extension Onnx_TensorProto {
  /// The part of a large tensor this TensorProto holds.
  public struct Segment: ProtobufMessage {
    public static let protobufName = "onnx.TensorProto.Segment"

    public var begin: Int64 {
      get { _begin ?? 0 }
      set { _begin = newValue }
    }
    public var hasBegin: Bool { _begin != nil }
    public mutating func clearBegin() { _begin = nil }

    public var end: Int64 {
      get { _end ?? 0 }
      set { _end = newValue }
    }
    public var hasEnd: Bool { _end != nil }
    public mutating func clearEnd() { _end = nil }

    public init() {}

    private var _begin: Int64?
    private var _end: Int64?

    public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
      throws(ProtobufError)
    {
      switch field.number {
      case 1: try reader.read(&_begin, field, "begin")
      case 2: try reader.read(&_end, field, "end")
      default: try reader.skip(field)
      }
    }

    public func encode(to writer: inout ProtobufWriter) {
      writer.write(1, _begin)
      writer.write(2, _end)
    }
  }
}
