/// ONNX element types (TensorProto.DataType) in engine terms.
///
/// The engine computes in float32, int32, int8 and uint8. Wider or other types are narrowed where
/// that keeps the model's meaning for the values vision models use: double becomes float32;
/// int64 (shapes, axes, indices, Slice bounds) becomes int32 with saturation, so INT64_MAX as
/// "to the end" becomes Int32.max; int16, uint16 become int32 exactly; float16 and bfloat16 weights
/// widen to float32 exactly. Everything else (bool, string, uint32/64, complex, float8, int4, ...)
/// is refused, and only when a node actually uses such a tensor.
enum ONNXDataType {
  static let float: Int32 = 1
  static let uint8: Int32 = 2
  static let int8: Int32 = 3
  static let uint16: Int32 = 4
  static let int16: Int32 = 5
  static let int32: Int32 = 6
  static let int64: Int32 = 7
  static let string: Int32 = 8
  static let bool: Int32 = 9
  static let float16: Int32 = 10
  static let double: Int32 = 11
  static let uint32: Int32 = 12
  static let uint64: Int32 = 13
  static let bfloat16: Int32 = 16

  /// The ONNX spelling of a data type, for messages.
  static func name(_ type: Int32) -> String {
    if let known = Onnx_TensorProto.DataType(rawValue: Int(type)), known != .undefined {
      switch known {
      case .float8E4M3Fn: return "FLOAT8E4M3FN"
      case .float8E4M3Fnuz: return "FLOAT8E4M3FNUZ"
      case .float8E5M2: return "FLOAT8E5M2"
      case .float8E5M2Fnuz: return "FLOAT8E5M2FNUZ"
      case .float8E8M0: return "FLOAT8E8M0"
      case .float4E2M1: return "FLOAT4E2M1"
      case .float6E2M3: return "FLOAT6E2M3"
      case .float6E3M2: return "FLOAT6E3M2"
      default: return "\(known)".uppercased()
      }
    }
    return type == 0 ? "UNDEFINED" : "data type \(type)"
  }

  /// The engine type a tensor of ONNX `type` is held in, or nil when the engine has none.
  static func engineType(_ type: Int32) -> ElementType? {
    switch type {
    case float, double, float16, bfloat16: .float32
    case int32, int64, int16, uint16: .int32
    case int8: .int8
    case uint8: .uint8
    default: nil
    }
  }

  /// The engine type of a graph input or output of ONNX `type`. Half-precision activations are
  /// refused here (computing them in float32 would silently change the results a caller sees).
  static func activationType(_ type: Int32) -> ElementType? {
    type == float16 || type == bfloat16 ? nil : engineType(type)
  }

  /// Bytes per element in `raw_data`, for the types the importer reads.
  static func rawByteCount(_ type: Int32) -> Int? {
    switch type {
    case float, int32, uint32: 4
    case double, int64, uint64: 8
    case float16, bfloat16, int16, uint16: 2
    case int8, uint8, bool: 1
    default: nil
    }
  }

  /// Saturates an int64 to int32: ONNX uses INT64_MAX/INT64_MIN as "unbounded".
  @inline(__always) static func saturate(_ value: Int64) -> Int32 {
    Int32(clamping: value)
  }

  /// IEEE 754 binary16 to float32, exactly (subnormals, infinities and NaN included).
  static func halfToFloat(_ bits: UInt16) -> Float {
    let sign = UInt32(bits >> 15) << 31
    let exponent = Int((bits >> 10) & 0x1f)
    let fraction = UInt32(bits & 0x3ff)
    if exponent == 0 {
      // Zero or subnormal: fraction * 2^-24.
      let magnitude = Float(fraction) * Float(sign: .plus, exponent: -24, significand: 1)
      return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 0x1f {
      return Float(bitPattern: sign | 0x7f80_0000 | (fraction << 13))
    }
    return Float(bitPattern: sign | (UInt32(exponent - 15 + 127) << 23) | (fraction << 13))
  }

  /// bfloat16 to float32, exactly.
  static func bfloat16ToFloat(_ bits: UInt16) -> Float { Float(bitPattern: UInt32(bits) << 16) }
}
