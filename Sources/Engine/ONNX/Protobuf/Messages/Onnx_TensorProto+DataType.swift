extension Onnx_TensorProto {
  /// ONNX element types; `dataType` and `TypeProto.Tensor.elemType` hold their raw values.
  public enum DataType: Int, CaseIterable, Sendable {
    case undefined = 0
    case float = 1
    case uint8 = 2
    case int8 = 3
    case uint16 = 4
    case int16 = 5
    case int32 = 6
    case int64 = 7
    case string = 8
    case bool = 9
    case float16 = 10
    case double = 11
    case uint32 = 12
    case uint64 = 13
    case complex64 = 14
    case complex128 = 15
    case bfloat16 = 16
    case float8E4M3Fn = 17
    case float8E4M3Fnuz = 18
    case float8E5M2 = 19
    case float8E5M2Fnuz = 20
    case uint4 = 21
    case int4 = 22
    case float4E2M1 = 23
    case float8E8M0 = 24
    case uint2 = 25
    case int2 = 26
    case float6E2M3 = 27
    case float6E3M2 = 28

    public init() { self = .undefined }
  }
}
