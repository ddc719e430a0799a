/// Affine quantization: `real = scale * (quantized - zeroPoint)`.
///
/// Per-tensor when `scales` has one entry; per-channel along `axis` otherwise.
public struct Quantization: Sendable, Hashable, Codable {
  public var scales: [Float]
  public var zeroPoints: [Int32]
  public var axis: Int?

  /// Per-tensor quantization.
  public init(scale: Float, zeroPoint: Int32) {
    self.scales = [scale]
    self.zeroPoints = [zeroPoint]
    self.axis = nil
  }

  /// Per-channel quantization along `axis`.
  public init(scales: [Float], zeroPoints: [Int32], axis: Int) {
    precondition(scales.count == zeroPoints.count, "one zero point per scale")
    self.scales = scales
    self.zeroPoints = zeroPoints
    self.axis = axis
  }

  /// Quantizes one real value with round-half-to-even and saturation, as ONNX QuantizeLinear does.
  @inlinable
  public static func quantize(_ value: Float, scale: Float, zeroPoint: Int32, type: ElementType)
    -> Int32
  {
    let scaled = (value / scale).rounded(.toNearestOrEven) + Float(zeroPoint)
    let (low, high): (Float, Float) = type == .int8 ? (-128, 127) : (0, 255)
    // NaN (a hostile input or a zero scale) maps to the lowest code rather than trapping.
    guard !scaled.isNaN else { return Int32(low) }
    return Int32(min(max(scaled, low), high))
  }
}
