/// An operator set a model imports: its domain ("" or "ai.onnx" for the default one) and version.
public struct Onnx_OperatorSetIdProto: ProtobufMessage {
  public static let protobufName = "onnx.OperatorSetIdProto"

  public var domain: String {
    get { _domain ?? "" }
    set { _domain = newValue }
  }
  public var hasDomain: Bool { _domain != nil }
  public mutating func clearDomain() { _domain = nil }

  public var version: Int64 {
    get { _version ?? 0 }
    set { _version = newValue }
  }
  public var hasVersion: Bool { _version != nil }
  public mutating func clearVersion() { _version = nil }

  public init() {}

  private var _domain: String?
  private var _version: Int64?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_domain, field, "domain")
    case 2: try reader.read(&_version, field, "version")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _domain)
    writer.write(2, _version)
  }
}
