/// How one tensor of a node is sharded over devices.
public struct Onnx_ShardingSpecProto: ProtobufMessage {
  public static let protobufName = "onnx.ShardingSpecProto"

  public var tensorName: String {
    get { _tensorName ?? "" }
    set { _tensorName = newValue }
  }
  public var hasTensorName: Bool { _tensorName != nil }
  public mutating func clearTensorName() { _tensorName = nil }

  public var device: [Int64] = []
  public var indexToDeviceGroupMap: [Onnx_IntIntListEntryProto] = []
  public var shardedDim: [Onnx_ShardedDimProto] = []

  public init() {}

  private var _tensorName: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_tensorName, field, "tensor_name")
    case 2: try reader.read(&device, field, "device")
    case 3: try reader.read(&indexToDeviceGroupMap, field, "index_to_device_group_map")
    case 4: try reader.read(&shardedDim, field, "sharded_dim")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _tensorName)
    writer.write(2, device, packed: false)
    writer.write(3, indexToDeviceGroupMap)
    writer.write(4, shardedDim)
  }
}
