/// A tensor shape: one `Dimension` per axis.
public struct Onnx_TensorShapeProto: ProtobufMessage {
  public static let protobufName = "onnx.TensorShapeProto"

  public var dim: [Onnx_TensorShapeProto.Dimension] = []

  public init() {}

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&dim, field, "dim")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, dim)
  }
}
