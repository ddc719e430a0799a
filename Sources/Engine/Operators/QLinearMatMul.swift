/// QLinearMatMul (ONNX): the int8 matrix product with MatMul's shape rules (1-D operands, batch
/// dimensions broadcast), requantized to a uint8/int8 output.
///
/// Inputs: a (uint8 or int8), a_scale, a_zero_point (per tensor), b (uint8 or int8), b_scale and
/// b_zero_point (per tensor, or one per column of b), y_scale, y_zero_point (per tensor; its
/// type is the output's). Every input but a and b must be a constant. Computed as ONNX Runtime
/// does (see `QuantizedProduct`), so outputs match its QLinearMatMul bit for bit.
///
/// A constant b shared by every batch item, whose values less their zero point fit int8 (as
/// quantizers write weights), runs on the int8 convolution kernels (`QuantizedMatMulConvKernel`);
/// anything else on the plain int32 loop (`QuantizedMatMulLoopKernel`).
enum QLinearMatMulOperator {
  static let definitions: [String: OperatorDefinition] = [
    "QLinearMatMul": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        [try QLinearMatMulPlan(node, inputs, constants).output]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let plan = try QLinearMatMulPlan(node, inputs.map { $0?.info }, constants, offsets: true)
        return plan.kernel(
          node, a: try OperatorSupport.view(node, inputs, 0), b: try OperatorSupport.view(node, inputs, 3),
          y: outputs[0], constants: constants)
      })
  ]
}

/// A checked QLinearMatMul: the MatMul shapes and the quantization.
struct QLinearMatMulPlan {
  var output: TensorInfo
  var problem: MatMulProblem
  var product: QuantizedProduct

  init(_ node: Node, _ inputs: [TensorInfo?], _ constants: ConstantLookup, offsets: Bool = false)
    throws(GraphError)
  {
    let a = try OperatorSupport.input(node, inputs, 0)
    let b = try OperatorSupport.input(node, inputs, 3)
    problem = try MatMulProblem(node, aShape: a.shape, bShape: b.shape, offsets: offsets)
    product = try QuantizedProduct(
      node, constants: constants, a: a, bType: b.elementType, k: problem.k, n: problem.n,
      scaleIndices: (1, 4, 6), zeroIndices: (2, 5, 7))
    output = TensorInfo(
      name: node.outputs.first ?? "", elementType: product.outputType, shape: problem.outputShape,
      quantization: product.outputQuantization)
  }

  /// The fast kernel when b allows it, else the plain loop.
  func kernel(_ node: Node, a: TensorView, b: TensorView, y: TensorView, constants: ConstantLookup) -> Kernel
  {
    guard let constant = constants.tensor(node.inputs[3]) else {
      return QuantizedMatMulLoopKernel(
        product, m: problem.m, batch: problem.batch, aOffsets: problem.aOffsets, bOffsets: problem.bOffsets,
        constantB: nil, b: b, a: a, y: y)
    }
    let centered = product.centered(constant)
    if problem.batch == 1, centered.count == product.k * product.n,
      let weights = product.convolutionWeights(centered),
      let fast = QuantizedMatMulConvKernel(product, weights: weights, m: problem.m, node: node, a: a, y: y)
    {
      return fast
    }
    return QuantizedMatMulLoopKernel(
      product, m: problem.m, batch: problem.batch, aOffsets: problem.aOffsets, bOffsets: problem.bOffsets,
      constantB: centered, b: nil, a: a, y: y)
  }
}
