/// The quantization of an int8 matrix product `Y[M, N] = requantize(A[M, K] x B[K, N] + bias)`,
/// shared by QLinearMatMul and QGemm: A per-tensor (uint8 or int8, zero point `aZero`), B's
/// zero point and scale per tensor or per column, an optional int32 bias per column (scale
/// a_scale * b_scale), the output per-tensor.
///
/// Every element is computed as ONNX Runtime's MLAS requantization does (and as the int8
/// convolution kernels' epilogue, `qconv.h`): `acc` the exact int32 sum of (a - a_zp)(b - b_zp)
/// plus the bias, `f = Float(acc) * multiplier[n]` with the multiplier computed in float32 as
/// `(a_scale * b_scale[n]) / y_scale` (times alpha for QGemm), clamped to the output range less
/// the zero point, rounded half to even, plus the zero point.
struct QuantizedProduct: Sendable {
  var k: Int, n: Int
  var aType: ElementType
  var aZero: Int32
  var bType: ElementType
  /// B's zero point per column (one entry per column even when B is per-tensor).
  var bZeros: [Int32]
  var multipliers: [Float]
  var bias: [Int32]?
  var outputType: ElementType
  var outputScale: Float
  var outputZero: Int32
  /// The output clamp, zero point included: the type's range.
  var low: Int32, high: Int32

  /// The checked quantization parameters of `node`; `scaleIndices` and `zeroIndices` name the
  /// inputs holding (a, b, y) scales and zero points. `alpha` scales the multipliers (QGemm).
  init(
    _ node: Node, constants: ConstantLookup, a: TensorInfo, bType: ElementType, k: Int, n: Int,
    scaleIndices: (a: Int, b: Int, y: Int), zeroIndices: (a: Int, b: Int, y: Int), alpha: Float = 1
  ) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    guard a.elementType.isQuantized else {
      throw GraphError("\(what) needs uint8 or int8 input A, not \(a.elementType)")
    }
    guard bType.isQuantized else { throw GraphError("\(what) needs uint8 or int8 input B, not \(bType)") }
    let counts = n == 1 ? [1] : [1, n]
    let aScale = try QLinearConvPlan.scales(node, constants, scaleIndices.a, "a_scale", counts: [1])[0]
    aZero = try QLinearConvPlan.zeroPoints(
      node, constants, zeroIndices.a, "a_zero_point", type: a.elementType, counts: [1])[0]
    let bScales = try QLinearConvPlan.scales(node, constants, scaleIndices.b, "b_scale", counts: counts)
    let zeros = try QLinearConvPlan.zeroPoints(
      node, constants, zeroIndices.b, "b_zero_point", type: bType, counts: counts)
    let yScale = try QLinearConvPlan.scales(node, constants, scaleIndices.y, "y_scale", counts: [1])[0]
    let yZeroTensor = try QLinearConvPlan.constant(node, constants, zeroIndices.y, "y_zero_point")
    outputType = yZeroTensor.elementType
    guard outputType.isQuantized else {
      throw GraphError(
        "\(what) needs a uint8 or int8 y_zero_point (it sets the output type), not \(outputType)")
    }
    outputZero = try QLinearConvPlan.zeroPoints(
      node, constants, zeroIndices.y, "y_zero_point", type: outputType, counts: [1])[0]
    var multipliers = [Float](repeating: 0, count: n)
    for column in 0..<n {
      // ONNX Runtime's order: QGemm scales b_scale by (a_scale * alpha), then divides; with
      // alpha 1 that is QLinearMatMul's (a_scale * b_scale) / y_scale, multiplication commuting.
      let multiplier = (bScales.count == 1 ? bScales[0] : bScales[column]) * (aScale * alpha) / yScale
      guard multiplier.isFinite && multiplier > 0 else {
        throw GraphError("\(what): a_scale * b_scale / y_scale is \(multiplier) for column \(column)")
      }
      multipliers[column] = multiplier
    }
    self.k = k
    self.n = n
    aType = a.elementType
    self.bType = bType
    bZeros = zeros.count == n ? zeros : [Int32](repeating: zeros[0], count: n)
    self.multipliers = multipliers
    outputScale = yScale
    bias = nil
    (low, high) = outputType == .int8 ? (-128, 127) : (0, 255)
  }

  /// The output quantization.
  var outputQuantization: Quantization {
    Quantization(scale: outputScale, zeroPoint: outputZero)
  }

  /// One output code from its exact int32 accumulator (bias included), as `qconv.h` does.
  @inline(__always)
  static func requantize(_ acc: Int32, multiplier: Float, zero: Int32, low: Float, high: Float) -> Int32 {
    var f = Float(acc) * multiplier
    f = f < low ? low : f
    f = f > high ? high : f
    return Int32(f.rounded(.toNearestOrEven)) &+ zero
  }

  /// B's constant values `[K][N]` (from `[K][N]`, or `[N][K]` when `transposed`), less the zero
  /// point of their column.
  func centered(_ b: Tensor, transposed: Bool = false) -> [Int32] {
    let raw: [Int32] =
      b.elementType == .int8
      ? b.withElements(as: Int8.self) { $0.map(Int32.init) }
      : b.withElements(as: UInt8.self) { $0.map(Int32.init) }
    let matrices = raw.count / max(k * n, 1)
    var values = [Int32](repeating: 0, count: raw.count)
    for matrix in 0..<matrices {
      let base = matrix * k * n
      for row in 0..<k {
        for column in 0..<n {
          let source = transposed ? column * k + row : row * n + column
          values[base + row * n + column] = raw[base + source] - bZeros[column]
        }
      }
    }
    return values
  }

  /// The weights of the int8 convolution kernels, `[N][K]` int8, from centered `[K][N]` values;
  /// nil when one does not fit int8 (uint8 weights far from their zero point).
  func convolutionWeights(_ centered: [Int32]) -> [Int8]? {
    var weights = [Int8](repeating: 0, count: k * n)
    for row in 0..<k {
      for column in 0..<n {
        let value = centered[row * n + column]
        guard value >= -128 && value <= 127 else { return nil }
        weights[column * k + row] = Int8(value)
      }
    }
    return weights
  }
}
