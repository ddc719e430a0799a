import CKernels

/// QLinearAdd (ONNX Runtime's com.microsoft operator, and what the QDQ fusion makes of
/// DequantizeLinear x2 -> Add -> QuantizeLinear): the sum of two int8/uint8 tensors of the same
/// shape, requantized. Inputs: A, A_scale, A_zero_point, B, B_scale, B_zero_point, C_scale,
/// C_zero_point; every input but A and B a per-tensor constant; A, B and C of one type (C's
/// type is C_zero_point's). Computed as ONNX Runtime's x86 kernel does (see `qelementwise.h`),
/// so results agree with it bit for bit rather than only within a rounding step.
enum QLinearAddOperator {
  static let definitions: [String: OperatorDefinition] = [
    "QLinearAdd": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        [try QLinearAddPlan(node, inputs, constants).output]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let plan = try QLinearAddPlan(node, inputs.map { $0?.info }, constants)
        return QLinearAddKernel(
          plan, a: try OperatorSupport.view(node, inputs, 0), b: try OperatorSupport.view(node, inputs, 3),
          c: outputs[0])
      })
  ]
}

struct QLinearAddPlan {
  var output: TensorInfo
  var ratioA: Float, ratioB: Float, fixed: Float

  init(_ node: Node, _ inputs: [TensorInfo?], _ constants: ConstantLookup) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    let a = try OperatorSupport.input(node, inputs, 0)
    let b = try OperatorSupport.input(node, inputs, 3)
    guard a.elementType.isQuantized, b.elementType == a.elementType else {
      throw GraphError(
        "\(what) adds two int8 or two uint8 tensors, not \(a.elementType) and \(b.elementType)")
    }
    guard a.shape == b.shape else {
      throw GraphError("\(what) needs A and B of one shape (no broadcasting), not \(a.shape) and \(b.shape)")
    }
    let type = a.elementType
    let aScale = try QLinearConvPlan.scales(node, constants, 1, "A_scale", counts: [1])[0]
    let aZero = try QLinearConvPlan.zeroPoints(node, constants, 2, "A_zero_point", type: type, counts: [1])[0]
    let bScale = try QLinearConvPlan.scales(node, constants, 4, "B_scale", counts: [1])[0]
    let bZero = try QLinearConvPlan.zeroPoints(node, constants, 5, "B_zero_point", type: type, counts: [1])[0]
    let cScale = try QLinearConvPlan.scales(node, constants, 6, "C_scale", counts: [1])[0]
    let cZero = try QLinearConvPlan.zeroPoints(node, constants, 7, "C_zero_point", type: type, counts: [1])[0]
    ratioA = aScale / cScale
    ratioB = bScale / cScale
    fixed = Float(cZero) - (ratioA * Float(aZero) + ratioB * Float(bZero))
    guard ratioA.isFinite, ratioB.isFinite, fixed.isFinite else {
      throw GraphError("\(what) has scales whose ratios are not finite (\(aScale), \(bScale), \(cScale))")
    }
    output = TensorInfo(
      name: node.outputs.first ?? "", elementType: type, shape: a.shape,
      quantization: Quantization(scale: cScale, zeroPoint: cZero))
  }
}

final class QLinearAddKernel: Kernel {
  let plan: QLinearAddPlan
  let a: TensorView, b: TensorView, c: TensorView
  let counter = TaskCounter()
  /// Elements per task: large enough to amortise dispatch, small enough to balance two cores.
  static let chunk = 1 << 14

  init(_ plan: QLinearAddPlan, a: TensorView, b: TensorView, c: TensorView) {
    self.plan = plan
    self.a = a
    self.b = b
    self.c = c
  }

  func run(_ context: borrowing ExecutionContext) {
    let count = c.elementCount
    let tasks = (count + Self.chunk - 1) / Self.chunk
    let signed: Int32 = c.info.elementType == .int8 ? 1 : 0
    let x = a.data.assumingMemoryBound(to: UInt8.self)
    let y = b.data.assumingMemoryBound(to: UInt8.self)
    let z = c.data.assumingMemoryBound(to: UInt8.self)
    context.threads.forEachTask(tasks, counter: counter) { task, _ in
      let start = task * Self.chunk
      let length = Swift.min(Self.chunk, count - start)
      hiyari_qlinear_add(
        x + start, y + start, z + start, length, signed, plan.ratioA, plan.ratioB, plan.fixed)
    }
  }
}
