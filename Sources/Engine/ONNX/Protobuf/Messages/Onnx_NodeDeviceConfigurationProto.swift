/// How a node is spread over the devices of a configuration.
public struct Onnx_NodeDeviceConfigurationProto: ProtobufMessage {
  public static let protobufName = "onnx.NodeDeviceConfigurationProto"

  public var configurationID: String {
    get { _configurationID ?? "" }
    set { _configurationID = newValue }
  }
  public var hasConfigurationID: Bool { _configurationID != nil }
  public mutating func clearConfigurationID() { _configurationID = nil }

  public var shardingSpec: [Onnx_ShardingSpecProto] = []
  public var pipelineStage: Int32 {
    get { _pipelineStage ?? 0 }
    set { _pipelineStage = newValue }
  }
  public var hasPipelineStage: Bool { _pipelineStage != nil }
  public mutating func clearPipelineStage() { _pipelineStage = nil }

  public init() {}

  private var _configurationID: String?
  private var _pipelineStage: Int32?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_configurationID, field, "configuration_id")
    case 2: try reader.read(&shardingSpec, field, "sharding_spec")
    case 3: try reader.read(&_pipelineStage, field, "pipeline_stage")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _configurationID)
    writer.write(2, shardingSpec)
    writer.write(3, _pipelineStage)
  }
}
