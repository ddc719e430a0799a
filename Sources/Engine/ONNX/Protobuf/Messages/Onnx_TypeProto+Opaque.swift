extension Onnx_TypeProto {
  /// An opaque type, named by domain and name.
  public struct Opaque: ProtobufMessage {
    public static let protobufName = "onnx.TypeProto.Opaque"

    public var domain: String {
      get { _domain ?? "" }
      set { _domain = newValue }
    }
    public var hasDomain: Bool { _domain != nil }
    public mutating func clearDomain() { _domain = nil }

    public var name: String {
      get { _name ?? "" }
      set { _name = newValue }
    }
    public var hasName: Bool { _name != nil }
    public mutating func clearName() { _name = nil }

    public init() {}

    private var _domain: String?
    private var _name: String?

    public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
      throws(ProtobufError)
    {
      switch field.number {
      case 1: try reader.read(&_domain, field, "domain")
      case 2: try reader.read(&_name, field, "name")
      default: try reader.skip(field)
      }
    }

    public func encode(to writer: inout ProtobufWriter) {
      writer.write(1, _domain)
      writer.write(2, _name)
    }
  }
}
