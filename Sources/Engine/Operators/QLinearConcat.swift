/// QLinearConcat (ONNX Runtime's com.microsoft operator, and what the QDQ fusion makes of
/// DequantizeLinear per input -> Concat -> QuantizeLinear): concatenation of int8/uint8 tensors
/// along `axis`, each requantized to the output's scale and zero point. Inputs: Y_scale,
/// Y_zero_point, then (X, X_scale, X_zero_point) per tensor; the parameters per-tensor constants.
///
/// An input already in the output's parameters is copied; any other goes through a 256-entry
/// table built with exactly the float arithmetic of DequantizeLinear then QuantizeLinear, so the
/// result equals the unfused DQ -> Concat -> Q bit for bit.
enum QLinearConcatOperator {
  static let definitions: [String: OperatorDefinition] = [
    "QLinearConcat": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        [try QLinearConcatPlan(node, inputs, constants).output]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let plan = try QLinearConcatPlan(node, inputs.map { $0?.info }, constants)
        var sources: [TensorView] = []
        for index in stride(from: 2, to: node.inputs.count, by: 3) {
          sources.append(try OperatorSupport.view(node, inputs, index))
        }
        return QLinearConcatKernel(plan, sources: sources, y: outputs[0])
      })
  ]
}

struct QLinearConcatPlan {
  var output: TensorInfo
  /// Per input: nil to copy, or the output code of each input code.
  var tables: [[UInt8]?]
  /// Elements before the axis, and per input its elements from the axis on and where they start
  /// in an output row.
  var outer: Int
  var inner: [Int]
  var offsets: [Int] { inner.indices.map { inner[..<$0].reduce(0, +) } }

  init(_ node: Node, _ inputs: [TensorInfo?], _ constants: ConstantLookup) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    guard node.inputs.count >= 5, (node.inputs.count - 2) % 3 == 0 else {
      throw GraphError("\(what) needs Y_scale, Y_zero_point and (X, X_scale, X_zero_point) per input")
    }
    let first = try OperatorSupport.input(node, inputs, 2)
    let type = first.elementType
    guard type.isQuantized else { throw GraphError("\(what) concatenates int8 or uint8, not \(type)") }
    let yScale = try QLinearConvPlan.scales(node, constants, 0, "Y_scale", counts: [1])[0]
    let yZero = try QLinearConvPlan.zeroPoints(node, constants, 1, "Y_zero_point", type: type, counts: [1])[0]
    let rank = first.shape.count
    let axis = try OperatorSupport.axis(node.int("axis", default: 1), rank: rank, node)
    var shape = first.shape
    shape[axis] = 0
    tables = []
    inner = []
    outer = first.shape[..<axis].reduce(1, *)
    for index in stride(from: 2, to: node.inputs.count, by: 3) {
      let x = try OperatorSupport.input(node, inputs, index)
      guard x.elementType == type, x.shape.count == rank,
        (0..<rank).allSatisfy({ $0 == axis || x.shape[$0] == first.shape[$0] })
      else {
        throw GraphError(
          "\(what): input \(node.inputs[index]) \(x.elementType) \(x.shape) does not fit \(type) \(first.shape) along axis \(axis)"
        )
      }
      shape[axis] += x.shape[axis]
      inner.append(x.shape[axis...].reduce(1, *))
      let scale = try QLinearConvPlan.scales(node, constants, index + 1, "X_scale", counts: [1])[0]
      let zero = try QLinearConvPlan.zeroPoints(
        node, constants, index + 2, "X_zero_point", type: type, counts: [1])[0]
      if scale == yScale && zero == yZero {
        tables.append(nil)
        continue
      }
      var table = [UInt8](repeating: 0, count: 256)
      for byte in 0..<256 {
        let code = type == .int8 ? Int32(Int8(truncatingIfNeeded: byte)) : Int32(byte)
        let real = Float(code - zero) * scale
        let quantized = Quantization.quantize(real, scale: yScale, zeroPoint: yZero, type: type)
        table[byte] = UInt8(truncatingIfNeeded: quantized)
      }
      tables.append(table)
    }
    output = TensorInfo(
      name: node.outputs.first ?? "", elementType: type, shape: shape,
      quantization: Quantization(scale: yScale, zeroPoint: yZero))
  }
}

final class QLinearConcatKernel: Kernel {
  let plan: QLinearConcatPlan
  let sources: [TensorView]
  let y: TensorView
  /// Where each input starts in an output row, computed once.
  let offsets: [Int]

  init(_ plan: QLinearConcatPlan, sources: [TensorView], y: TensorView) {
    self.plan = plan
    offsets = plan.offsets
    self.sources = sources
    self.y = y
  }

  func run(_ context: borrowing ExecutionContext) {
    let rowBytes = plan.inner.reduce(0, +)
    let offsets = self.offsets
    let target = y.uint8s()
    // One task per (outer index, input): each a contiguous run in both tensors.
    let inputs = sources.count
    context.threads.forEachRange(plan.outer * inputs, chunk: 1) { range in
      for task in range {
        let row = task / inputs, input = task % inputs
        let length = plan.inner[input]
        let offset = offsets[input]
        let from = sources[input].uint8s() + row * length
        let to = target + row * rowBytes + offset
        if let table = plan.tables[input] {
          table.withUnsafeBufferPointer { lookup in
            for index in 0..<length { to[index] = lookup[Int(from[index])] }
          }
        } else {
          to.update(from: from, count: length)
        }
      }
    }
  }
}
