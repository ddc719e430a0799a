import Engine

/// A float tensor that holds 8-bit pixels scaled to [0, 1] travels as its uint8 codes with scale
/// 1/255 and zero point 0: a quarter of the bytes, and lossless, since the device sends the codes
/// only when dequantizing them (`dequantized`, the server's formula) gives back every float bit
/// for bit.
public enum PixelCodes {
  public static let scale: Float = 1.0 / 255

  /// The uint8 codes of `tensor`, or nil when it is not float32 or some element is not exactly
  /// `code * scale` for a code in 0...255.
  public static func codes(of tensor: Tensor) -> Tensor? {
    guard tensor.elementType == .float32,
      let codes = try? Tensor(
        shape: tensor.shape, elementType: .uint8, quantization: Quantization(scale: scale, zeroPoint: 0))
    else { return nil }
    let lossless = tensor.withElements(as: Float.self) { values in
      codes.withMutableElements(as: UInt8.self) { out in
        for index in values.indices {
          let value = values[index]
          let code = (value * 255).rounded(.toNearestOrEven)
          guard code >= 0, code <= 255 else { return false }
          out[index] = UInt8(code)
          guard (Float(out[index]) * scale).bitPattern == value.bitPattern else { return false }
        }
        return true
      }
    }
    return lossless ? codes : nil
  }

  /// The float pixels `code * scale` of a uint8 tensor of pixel codes (a frame preprocessed with
  /// 8-bit output): the model input whose codes `codes(of:)` gives back, so it crosses a link
  /// as one byte per element, losslessly. Bilinear resizing to float gives values between the
  /// codes, which would cross as 4-byte floats. Nil for a tensor that is not uint8.
  public static func pixels(of codes: Tensor) -> Tensor? {
    guard codes.elementType == .uint8, let result = try? Tensor(shape: codes.shape, elementType: .float32)
    else { return nil }
    result.withMutableElements(as: Float.self) { out in
      codes.withElements(as: UInt8.self) { bytes in
        for index in bytes.indices { out[index] = Float(bytes[index]) * scale }
      }
    }
    return result
  }

  /// The float32 values of a per-tensor quantized tensor: `Float(code - zeroPoint) * scale`;
  /// nil for a tensor that is not 8-bit with one scale.
  public static func dequantized(_ tensor: Tensor) -> Tensor? {
    guard tensor.elementType.isQuantized, let quantization = tensor.quantization,
      quantization.scales.count == 1, quantization.axis == nil,
      let result = try? Tensor(shape: tensor.shape, elementType: .float32)
    else { return nil }
    let scale = quantization.scales[0]
    let zero = quantization.zeroPoints[0]
    result.withMutableElements(as: Float.self) { out in
      if tensor.elementType == .uint8 {
        tensor.withElements(as: UInt8.self) { codes in
          for index in codes.indices { out[index] = Float(Int32(codes[index]) - zero) * scale }
        }
      } else {
        tensor.withElements(as: Int8.self) { codes in
          for index in codes.indices { out[index] = Float(Int32(codes[index]) - zero) * scale }
        }
      }
    }
    return result
  }
}
