/// Names the tensors holding the quantization parameters of a tensor.
public struct Onnx_TensorAnnotation: ProtobufMessage {
  public static let protobufName = "onnx.TensorAnnotation"

  public var tensorName: String {
    get { _tensorName ?? "" }
    set { _tensorName = newValue }
  }
  public var hasTensorName: Bool { _tensorName != nil }
  public mutating func clearTensorName() { _tensorName = nil }

  public var quantParameterTensorNames: [Onnx_StringStringEntryProto] = []

  public init() {}

  private var _tensorName: String?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_tensorName, field, "tensor_name")
    case 2: try reader.read(&quantParameterTensorNames, field, "quant_parameter_tensor_names")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _tensorName)
    writer.write(2, quantParameterTensorNames)
  }
}
