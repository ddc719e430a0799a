/// Training information: an initialization and a training algorithm step.
public struct Onnx_TrainingInfoProto: ProtobufMessage {
  public static let protobufName = "onnx.TrainingInfoProto"

  public var initialization: Onnx_GraphProto {
    get { _initialization?.value ?? Onnx_GraphProto() }
    set { _initialization = ProtobufBox(newValue) }
  }
  public var hasInitialization: Bool { _initialization != nil }
  public mutating func clearInitialization() { _initialization = nil }

  public var algorithm: Onnx_GraphProto {
    get { _algorithm?.value ?? Onnx_GraphProto() }
    set { _algorithm = ProtobufBox(newValue) }
  }
  public var hasAlgorithm: Bool { _algorithm != nil }
  public mutating func clearAlgorithm() { _algorithm = nil }

  public var initializationBinding: [Onnx_StringStringEntryProto] = []
  public var updateBinding: [Onnx_StringStringEntryProto] = []

  public init() {}

  private var _initialization: ProtobufBox<Onnx_GraphProto>?
  private var _algorithm: ProtobufBox<Onnx_GraphProto>?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&_initialization, field, "initialization")
    case 2: try reader.read(&_algorithm, field, "algorithm")
    case 3: try reader.read(&initializationBinding, field, "initialization_binding")
    case 4: try reader.read(&updateBinding, field, "update_binding")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, _initialization)
    writer.write(2, _algorithm)
    writer.write(3, initializationBinding)
    writer.write(4, updateBinding)
  }
}
