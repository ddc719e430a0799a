/// An ONNX model: the top-level message of a .onnx file.
public struct Onnx_ModelProto: ProtobufMessage {
  public static let protobufName = "onnx.ModelProto"

  public var irVersion: Int64 {
    get { _irVersion ?? 0 }
    set { _irVersion = newValue }
  }
  public var hasIrVersion: Bool { _irVersion != nil }
  public mutating func clearIrVersion() { _irVersion = nil }

  public var opsetImport: [Onnx_OperatorSetIdProto] = []
  public var producerName: String {
    get { _producerName ?? "" }
    set { _producerName = newValue }
  }
  public var hasProducerName: Bool { _producerName != nil }
  public mutating func clearProducerName() { _producerName = nil }

  public var producerVersion: String {
    get { _producerVersion ?? "" }
    set { _producerVersion = newValue }
  }
  public var hasProducerVersion: Bool { _producerVersion != nil }
  public mutating func clearProducerVersion() { _producerVersion = nil }

  public var domain: String {
    get { _domain ?? "" }
    set { _domain = newValue }
  }
  public var hasDomain: Bool { _domain != nil }
  public mutating func clearDomain() { _domain = nil }

  public var modelVersion: Int64 {
    get { _modelVersion ?? 0 }
    set { _modelVersion = newValue }
  }
  public var hasModelVersion: Bool { _modelVersion != nil }
  public mutating func clearModelVersion() { _modelVersion = nil }

  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var graph: Onnx_GraphProto {
    get { _graph?.value ?? Onnx_GraphProto() }
    set { _graph = ProtobufBox(newValue) }
  }
  public var hasGraph: Bool { _graph != nil }
  public mutating func clearGraph() { _graph = nil }

  public var metadataProps: [Onnx_StringStringEntryProto] = []
  public var trainingInfo: [Onnx_TrainingInfoProto] = []
  public var functions: [Onnx_FunctionProto] = []
  public var configuration: [Onnx_DeviceConfigurationProto] = []

  public init() {}

  private var _irVersion: Int64?
  private var _producerName: String?
  private var _producerVersion: String?
  private var _domain: String?
  private var _modelVersion: Int64?
  private var _docString: String?
  private var _graph: ProtobufBox<Onnx_GraphProto>?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_irVersion, field, "ir_version")
    case 8: try reader.read(&opsetImport, field, "opset_import")
    case 2: try reader.read(&_producerName, field, "producer_name")
    case 3: try reader.read(&_producerVersion, field, "producer_version")
    case 4: try reader.read(&_domain, field, "domain")
    case 5: try reader.read(&_modelVersion, field, "model_version")
    case 6: try reader.read(&_docString, field, "doc_string")
    case 7: try reader.read(&_graph, field, "graph")
    case 14: try reader.read(&metadataProps, field, "metadata_props")
    case 20: try reader.read(&trainingInfo, field, "training_info")
    case 25: try reader.read(&functions, field, "functions")
    case 26: try reader.read(&configuration, field, "configuration")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _irVersion)
    writer.write(2, _producerName)
    writer.write(3, _producerVersion)
    writer.write(4, _domain)
    writer.write(5, _modelVersion)
    writer.write(6, _docString)
    writer.write(7, _graph)
    writer.write(8, opsetImport)
    writer.write(14, metadataProps)
    writer.write(20, trainingInfo)
    writer.write(25, functions)
    writer.write(26, configuration)
  }
}
