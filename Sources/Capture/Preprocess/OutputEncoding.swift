import Engine

/// The element type of a model input and how pixel values become elements.
public enum OutputEncoding: Sendable, Hashable {
  /// Float32 elements, normalized: `(pixel / 255 - mean) / std`.
  case float32(ChannelNormalization)
  /// Raw pixel values 0...255 as uint8 elements. The tensor `makeOutputTensor` makes carries
  /// scale 1, zero point 0 (Engine requires a quantization on uint8); any other is accepted too.
  case uint8
  /// Quantized int8 or uint8 elements: the normalized float value, quantized as ONNX
  /// QuantizeLinear does (`Quantization.quantize`). Per-channel quantization must run along the
  /// layout's channel axis (1 for NCHW, 3 for NHWC), its entries in the model's channel order.
  case quantized(ElementType, Quantization, ChannelNormalization)

  /// The tensor element type this encoding produces.
  public var elementType: ElementType {
    switch self {
    case .float32: .float32
    case .uint8: .uint8
    case .quantized(let type, _, _): type
    }
  }

  /// The quantization the output tensor carries.
  public var quantization: Quantization? {
    switch self {
    case .float32: nil
    case .uint8: Quantization(scale: 1, zeroPoint: 0)
    case .quantized(_, let quantization, _): quantization
    }
  }
}
