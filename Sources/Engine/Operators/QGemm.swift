/// QGemm (ONNX Runtime's com.microsoft operator, and what the QDQ fusion makes of
/// DequantizeLinear -> Gemm -> QuantizeLinear): `Y = requantize(alpha * op(A) op(B) + C)` on
/// int8/uint8 operands, as ONNX Runtime computes it (see `QuantizedProduct`).
///
/// Inputs: A (uint8 or int8, 2-D), a_scale, a_zero_point (per tensor), B (a constant uint8 or int8
/// matrix), b_scale and b_zero_point (per tensor or one per column of op(B)), C (optional int32
/// bias of scale a_scale * b_scale * alpha, zero point 0, one value or one per column), y_scale and
/// y_zero_point (per tensor; its type is the output's). Attributes transA, transB, alpha. ONNX
/// Runtime's QGemm without y_scale gives float outputs; Hiyari's fusion never writes that form,
/// so it is refused, as is a bias with a value per row.
enum QGemmOperator {
  static let definitions: [String: OperatorDefinition] = [
    "QGemm": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        [try QGemmPlan(node, inputs, constants).output]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let plan = try QGemmPlan(node, inputs.map { $0?.info }, constants)
        return plan.kernel(node, a: try OperatorSupport.view(node, inputs, 0), y: outputs[0])
      })
  ]
}

/// A checked QGemm: sizes, the quantization, and B less its zero points as `[K][N]`.
struct QGemmPlan {
  var output: TensorInfo
  var m: Int
  var transA: Bool
  var product: QuantizedProduct
  var centered: [Int32]

  init(_ node: Node, _ inputs: [TensorInfo?], _ constants: ConstantLookup) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    let a = try OperatorSupport.input(node, inputs, 0)
    let b = try QLinearConvPlan.constant(node, constants, 3, "B")
    guard a.shape.count == 2, b.shape.count == 2 else {
      throw GraphError("\(what) needs 2-D A and B, not \(a.shape) and \(b.shape)")
    }
    transA = node.int("transA", default: 0) != 0
    let transB = node.int("transB", default: 0) != 0
    let alpha = node.float("alpha", default: 1)
    m = transA ? a.shape[1] : a.shape[0]
    let k = transA ? a.shape[0] : a.shape[1]
    let n = transB ? b.shape[0] : b.shape[1]
    guard k == (transB ? b.shape[1] : b.shape[0]) else {
      throw GraphError(
        "\(what): inner dimensions differ: A \(a.shape) (transA \(transA ? 1 : 0)), B \(b.shape) (transB \(transB ? 1 : 0))"
      )
    }
    guard alpha.isFinite, alpha > 0 else {
      throw GraphError("\(what) has alpha \(alpha); it must be positive")
    }
    guard node.inputs.count > 8, !node.inputs[7].isEmpty, !node.inputs[8].isEmpty else {
      throw GraphError("\(what) needs y_scale and y_zero_point (the float-output form is not supported)")
    }
    product = try QuantizedProduct(
      node, constants: constants, a: a, bType: b.elementType, k: k, n: n, scaleIndices: (1, 4, 7),
      zeroIndices: (2, 5, 8), alpha: alpha)
    if !node.inputs[6].isEmpty {
      let c = try QLinearConvPlan.constant(node, constants, 6, "C")
      let perColumn = c.shape.count <= 1 || c.shape.dropLast().allSatisfy { $0 == 1 }
      guard c.elementType == .int32, perColumn, c.shape.count <= 2, c.elementCount == 1 || c.elementCount == n
      else {
        throw GraphError("\(what) needs C as int32 [\(n)] or a single value, not \(c.elementType) \(c.shape)")
      }
      let values = c.withElements(as: Int32.self) { Array($0) }
      product.bias = values.count == n ? values : [Int32](repeating: values[0], count: n)
    }
    centered = product.centered(b, transposed: transB)
    output = TensorInfo(
      name: node.outputs.first ?? "", elementType: product.outputType, shape: [m, n],
      quantization: product.outputQuantization)
  }

  /// The int8 convolution kernels when B's values fit them, else the plain loop.
  func kernel(_ node: Node, a: TensorView, y: TensorView) -> Kernel {
    if let weights = product.convolutionWeights(centered),
      let fast = QuantizedMatMulConvKernel(
        product, weights: weights, m: m, transA: transA, node: node, a: a, y: y)
    {
      return fast
    }
    return QuantizedMatMulLoopKernel(
      product, m: m, batch: 1, aOffsets: [0], bOffsets: [0], transA: transA, constantB: centered, b: nil,
      a: a,
      y: y)
  }
}
