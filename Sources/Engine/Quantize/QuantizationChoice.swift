/// The arithmetic of choosing scales and zero points and quantizing constants, as onnxruntime's
/// quantizer does it (`compute_scale_zp`, `quantize_data`, `quantize_bias_static_impl`), so that
/// a model quantized here has the same parameters as one quantized by onnxruntime from the same
/// ranges.
enum QuantizationChoice {
  /// Scale and zero point covering `[rmin, rmax]` (widened to include 0, so zero is exact and
  /// zero padding stays zero) with codes `qmin...qmax`. Symmetric ranges become `[-m, m]` with
  /// the zero point in the middle of the code range.
  static func parameters(min rmin: Float, max rmax: Float, codes: ClosedRange<Int>, symmetric: Bool)
    -> (scale: Float, zeroPoint: Int32)
  {
    var low = Swift.min(rmin, 0), high = Swift.max(rmax, 0)
    if symmetric {
      let magnitude = Swift.max(abs(low), abs(high))
      (low, high) = (-magnitude, magnitude)
    }
    // In Double like onnxruntime (numpy float64), then stored as Float.
    let scale = (Double(high) - Double(low)) / Double(codes.upperBound - codes.lowerBound)
    // A zero-width range (a tensor that is always 0) gets scale 1 rather than a scale of 0.
    guard scale >= Double(Float.leastNormalMagnitude) else { return (1, 0) }
    let zeroPoint =
      symmetric
      ? ((Double(codes.lowerBound) + Double(codes.upperBound)) / 2).rounded(.toNearestOrEven)
      : (Double(codes.lowerBound) - Double(low) / scale).rounded(.toNearestOrEven)
    let clamped = Swift.min(Swift.max(zeroPoint, Double(codes.lowerBound)), Double(codes.upperBound))
    return (Float(scale), Int32(clamped))
  }

  /// uint8 asymmetric quantization of an activation range: scale = (max - min) / 255.
  static func activation(_ range: TensorRange) -> Quantization {
    let (scale, zeroPoint) = parameters(min: range.min, max: range.max, codes: 0...255, symmetric: false)
    return Quantization(scale: scale, zeroPoint: zeroPoint)
  }

  /// The int8 code range of symmetric weights: -127...127, so that -w and w quantize alike.
  static let symmetricInt8Codes = -127...127

  /// The 7-bit codes of onnxruntime's `reduce_range` for int8 weights: -64...64. The AVX2 int8
  /// kernels multiply such weights with vpmaddubsw, exactly, at about three times the rate of
  /// full 8-bit weights (whose products need the int16 path).
  static let sevenBitCodes = -64...64

  /// Symmetric int8 parameters of a float constant, per channel along `axis` (nil: per tensor):
  /// scale = max|w| / codes.upperBound, zero point 0.
  static func weightQuantization(_ tensor: Tensor, axis: Int?, codes: ClosedRange<Int> = symmetricInt8Codes)
    -> Quantization
  {
    let channels = axis.map { tensor.shape[$0] } ?? 1
    let inner = axis.map { tensor.shape[($0 + 1)...].reduce(1, *) } ?? tensor.elementCount
    var low = [Float](repeating: 0, count: channels), high = [Float](repeating: 0, count: channels)
    tensor.withElements(as: Float.self) { values in
      for (index, value) in values.enumerated() {
        let channel = (index / Swift.max(inner, 1)) % channels
        low[channel] = Swift.min(low[channel], value)
        high[channel] = Swift.max(high[channel], value)
      }
    }
    let chosen = (0..<channels).map {
      parameters(min: low[$0], max: high[$0], codes: codes, symmetric: true)
    }
    return axis.map {
      Quantization(scales: chosen.map(\.scale), zeroPoints: chosen.map(\.zeroPoint), axis: $0)
    }
      ?? Quantization(scale: chosen[0].scale, zeroPoint: chosen[0].zeroPoint)
  }

  /// Asymmetric uint8 quantization of a float constant read by an operator as an activation
  /// (say the addend of an Add): per tensor over the constant's own min and max.
  static func constantActivation(_ tensor: Tensor) throws(GraphError) -> (Tensor, Quantization) {
    let values = tensor.withElements(as: Float.self) { Array($0) }
    let range = TensorRange(min: values.min() ?? 0, max: values.max() ?? 0)
    let quantization = activation(range)
    return (try quantize(values, shape: tensor.shape, quantization, type: .uint8), quantization)
  }

  /// `values` quantized with round-half-to-even and saturation, as QuantizeLinear would.
  static func quantize(_ values: [Float], shape: [Int], _ quantization: Quantization, type: ElementType)
    throws(GraphError) -> Tensor
  {
    let tensor = try makeTensor(shape: shape, type: type, quantization: quantization)
    let inner = quantization.axis.map { shape[($0 + 1)...].reduce(1, *) } ?? values.count
    let channels = quantization.scales.count
    func code(_ index: Int) -> Int32 {
      let channel = (index / Swift.max(inner, 1)) % channels
      return Quantization.quantize(
        values[index], scale: quantization.scales[channel], zeroPoint: quantization.zeroPoints[channel],
        type: type)
    }
    if type == .int8 {
      tensor.withMutableElements(as: Int8.self) { for index in $0.indices { $0[index] = Int8(code(index)) } }
    } else {
      tensor.withMutableElements(as: UInt8.self) {
        for index in $0.indices { $0[index] = UInt8(code(index)) }
      }
    }
    return tensor
  }

  /// The int32 bias of a Conv or Gemm: `round(b / (inputScale * weightScale[c]))`, zero point 0,
  /// saturated to int32. The scale is computed in Float as onnxruntime does (float32 numpy).
  static func bias(_ values: [Float], inputScale: Float, weightScales: [Float]) -> (
    codes: [Int32], scales: [Float]
  ) {
    let scales = weightScales.map { inputScale * $0 }
    let codes = values.indices.map { index -> Int32 in
      let scale = scales.count == 1 ? scales[0] : scales[index]
      let level = (Double(values[index]) / Double(scale)).rounded(.toNearestOrEven)
      return Int32(Swift.min(Swift.max(level, Double(Int32.min)), Double(Int32.max)))
    }
    return (codes, scales)
  }

  /// onnxruntime's `_adjust_weight_scale_for_int32_bias`: where `inputScale * weightScale` is too
  /// small for the bias to fit in int32, the weight scale grows just enough (tiny scales come from
  /// channels whose weights are all near zero).
  static func weightScalesFittingBias(_ bias: [Float], inputScale: Float, weightScales: [Float]) -> [Float] {
    let codeRange = Double(Int32.max) - Double(Int32.min + 1)
    let margin = 1.0001
    var adjusted = weightScales
    for channel in weightScales.indices {
      let magnitude =
        weightScales.count == 1
        ? bias.reduce(0) { Swift.max($0, abs(Double($1))) }
        : abs(Double(bias[channel]))
      let smallest = margin * 2 * magnitude / codeRange
      let candidate = Double(inputScale) * Double(weightScales[channel])
      if candidate < smallest && candidate > 0 {
        adjusted[channel] = Float(Double(weightScales[channel]) * (smallest / candidate))
      }
    }
    return adjusted
  }

  static func makeTensor(shape: [Int], type: ElementType, quantization: Quantization?) throws(GraphError)
    -> Tensor
  {
    do {
      return try Tensor(shape: shape, elementType: type, quantization: quantization)
    } catch {
      throw GraphError("cannot make a \(type) constant of shape \(shape): \(error)")
    }
  }
}
