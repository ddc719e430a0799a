extension Onnx_AttributeProto {
  /// Which of an attribute's value fields is in use.
  public enum AttributeType: Int, CaseIterable, Sendable {
    case undefined = 0
    case float = 1
    case int = 2
    case string = 3
    case tensor = 4
    case graph = 5
    case sparseTensor = 11
    case typeProto = 13
    case floats = 6
    case ints = 7
    case strings = 8
    case tensors = 9
    case graphs = 10
    case sparseTensors = 12
    case typeProtos = 14

    public init() { self = .undefined }
  }
}
