/// A named set of devices a model may be spread over.
public struct Onnx_DeviceConfigurationProto: ProtobufMessage {
  public static let protobufName = "onnx.DeviceConfigurationProto"

  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var numDevices: Int32 {
    get { _numDevices ?? 0 }
    set { _numDevices = newValue }
  }
  public var hasNumDevices: Bool { _numDevices != nil }
  public mutating func clearNumDevices() { _numDevices = nil }

  public var device: [String] = []

  public init() {}

  private var _name: String?
  private var _numDevices: Int32?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_name, field, "name")
    case 2: try reader.read(&_numDevices, field, "num_devices")
    case 3: try reader.read(&device, field, "device")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _name)
    writer.write(2, _numDevices)
    writer.write(3, device)
  }
}
