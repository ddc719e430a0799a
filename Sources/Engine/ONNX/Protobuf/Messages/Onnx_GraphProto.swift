/// A graph: nodes in topological order, initializers, and the graph's inputs and outputs.
public struct Onnx_GraphProto: ProtobufMessage {
  public static let protobufName = "onnx.GraphProto"

  public var node: [Onnx_NodeProto] = []
  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var initializer: [Onnx_TensorProto] = []
  public var sparseInitializer: [Onnx_SparseTensorProto] = []
  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var input: [Onnx_ValueInfoProto] = []
  public var output: [Onnx_ValueInfoProto] = []
  public var valueInfo: [Onnx_ValueInfoProto] = []
  public var quantizationAnnotation: [Onnx_TensorAnnotation] = []
  public var metadataProps: [Onnx_StringStringEntryProto] = []

  public init() {}

  private var _name: String?
  private var _docString: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&node, field, "node")
    case 2: try reader.read(&_name, field, "name")
    case 5: try reader.read(&initializer, field, "initializer")
    case 15: try reader.read(&sparseInitializer, field, "sparse_initializer")
    case 10: try reader.read(&_docString, field, "doc_string")
    case 11: try reader.read(&input, field, "input")
    case 12: try reader.read(&output, field, "output")
    case 13: try reader.read(&valueInfo, field, "value_info")
    case 14: try reader.read(&quantizationAnnotation, field, "quantization_annotation")
    case 16: try reader.read(&metadataProps, field, "metadata_props")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, node)
    writer.write(2, _name)
    writer.write(5, initializer)
    writer.write(10, _docString)
    writer.write(11, input)
    writer.write(12, output)
    writer.write(13, valueInfo)
    writer.write(14, quantizationAnnotation)
    writer.write(15, sparseInitializer)
    writer.write(16, metadataProps)
  }
}
