/// Which tensors of a float graph get Q/DQ, and how, decided node by node in topological order
/// with onnxruntime's QDQ rules (`qdq_quantizer.py` and `operators/`), for the operators both
/// onnxruntime quantizes by default and Hiyari runs:
/// - Conv, Gemm, MatMul: activation input(s) and output; constant weights int8 symmetric (per
///   channel: Conv axis 0, Gemm axis 0 if transB else 1, MatMul the last axis); constant bias int32.
/// - Relu, Clip directly after a quantized tensor with no other reader: removed, their producer
///   writes their output (uint8 saturation at the calibrated range implements them);
///   `QDQRemovableActivation`.
/// - Reshape, Transpose, Squeeze, Unsqueeze, Flatten, Resize, MaxPool, AveragePool, Slice,
///   Gather, Split: values move without arithmetic, so the output shares the input's scale and
///   zero point (only when the input is quantized already; `QDQDirect8BitOp`, `QDQSplit`).
/// - Add, Mul, Concat, LeakyRelu, Sigmoid, GlobalAveragePool, Softmax: every float input and
///   output gets its own Q/DQ (`QDQOperatorBase`; onnxruntime gives Concat no shared scale in
///   QDQ form either).
/// - Anything else, and nodes the options keep float, marks nothing and stays float.
struct QDQPlan {
  enum Mark: Hashable {
    /// uint8 asymmetric over the calibrated range (or, for a constant, over its values).
    case activation
    /// int8 symmetric; per channel along `axis`, or per tensor when nil.
    case weight(axis: Int?)
    /// The same scale and zero point as `source`.
    case shared(source: String)
  }

  /// A float bias to quantize to int32 with the scale `input scale * weight scale`.
  struct BiasUse: Hashable {
    var node: String
    var input: String
    var weight: String
  }

  /// The graph with removed activations gone and their producers renamed to write their outputs.
  private(set) var graph: Graph
  let infos: [String: TensorInfo]
  /// Calibrated ranges, with onnxruntime's adjustments (Relu/Clip inputs take the output's range,
  /// Softmax outputs are [0, 1]).
  private(set) var ranges: [String: TensorRange]
  /// Marked tensors in marking order (the order Q/DQ are emitted in).
  private(set) var order: [String] = []
  private(set) var marks: [String: Mark] = [:]
  private(set) var biasOrder: [String] = []
  private(set) var biases: [String: BiasUse] = [:]
  /// Gemm nodes whose bias is quantized: their beta is folded into the bias.
  private(set) var foldedBeta: [String: Float] = [:]

  private let consumerCount: [String: Int]
  private let options: PostTrainingQuantizer.Options

  static let sharingOperators: Set<String> = [
    "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Flatten", "Resize", "MaxPool", "AveragePool", "Slice",
  ]
  static let generalOperators: Set<String> = [
    "Add", "Mul", "Concat", "LeakyRelu", "Sigmoid", "GlobalAveragePool", "Softmax",
  ]

  init(
    graph: Graph, infos: [String: TensorInfo], ranges: [String: TensorRange],
    options: PostTrainingQuantizer.Options
  ) {
    self.graph = graph
    self.infos = infos
    self.ranges = ranges
    self.options = options
    var consumers: [String: Int] = [:]
    for node in graph.nodes {
      for input in node.inputs where !input.isEmpty { consumers[input, default: 0] += 1 }
    }
    consumerCount = consumers
    adjustRanges()
    var removed = Set<Int>()
    for index in graph.nodes.indices where shouldQuantize(graph.nodes[index]) {
      if planNode(graph.nodes[index]) { removed.insert(index) }
    }
    self.graph.nodes = self.graph.nodes.indices.filter { !removed.contains($0) }.map { self.graph.nodes[$0] }
  }

  func shouldQuantize(_ node: Node) -> Bool {
    !options.keepFloat.contains(node.name) && !options.keepFloatOps.contains(node.op)
  }

  /// onnxruntime's `adjust_tensor_ranges`.
  private mutating func adjustRanges() {
    for node in graph.nodes where shouldQuantize(node) {
      if node.op == "Relu" || node.op == "Clip" {
        guard consumerCount[node.inputs[0]] == 1, ranges[node.inputs[0]] != nil,
          let range = ranges[node.outputs[0]]
        else { continue }
        ranges[node.inputs[0]] = range
      } else if node.op == "Softmax" {
        ranges[node.outputs[0]] = TensorRange(min: 0, max: 1)
      }
    }
  }

  /// Marks what `node` needs; returns true when the node is to be removed.
  private mutating func planNode(_ node: Node) -> Bool {
    let input = node.inputs.first ?? "", output = node.outputs.first ?? ""
    switch node.op {
    case "Conv":
      markActivation(input)
      markActivation(output)
      markWeight(node.inputs[1], axis: 0)
      if node.inputs.count > 2 { markBias(node.inputs[2], node: node, weight: node.inputs[1]) }
    case "Gemm":
      markActivation(input)
      markActivation(output)
      markWeight(node.inputs[1], axis: node.int("transB", default: 0) != 0 ? 0 : 1)
      // The int32 bias is in units of input scale * weight scale; alpha would have to divide it,
      // which onnxruntime does not do either, so with alpha != 1 the bias stays float.
      if node.inputs.count > 2, node.float("alpha", default: 1) == 1 {
        markBias(node.inputs[2], node: node, weight: node.inputs[1])
        if biases[node.inputs[2]]?.node == node.name {
          foldedBeta[node.name] = node.float("beta", default: 1)
        }
      }
    case "MatMul":
      for operand in node.inputs.prefix(2) {
        if let rank = infos[operand]?.shape.count, graph.constants[operand] != nil {
          markWeight(operand, axis: rank - 1)
        } else {
          markActivation(operand)
        }
      }
      markActivation(output)
    case "Relu", "Clip":
      guard isQuantized(input) else { return false }
      var removed = false
      if implementedBySaturation(node), replaceUpstreamOutput(input, with: output) {
        removed = true
      } else {
        markActivation(input)
      }
      markActivation(output)
      return removed
    case "Split":
      if !isQuantized(input) { markActivation(input) }
      for name in node.outputs where !name.isEmpty { markShared(name, source: input) }
    case "Gather":
      if isFloat(input), graph.constants[input] != nil {
        markActivation(input)
        markShared(output, source: input)
      } else if isQuantized(input) {
        markShared(output, source: input)
      }
    case let op where Self.sharingOperators.contains(op):
      if isQuantized(input) { markShared(output, source: input) }
    case let op where Self.generalOperators.contains(op):
      for name in node.inputs + node.outputs { markActivation(name) }
    default:
      break
    }
    return false
  }

  func isQuantized(_ name: String) -> Bool { marks[name] != nil || biases[name] != nil }

  private func isFloat(_ name: String) -> Bool { !name.isEmpty && infos[name]?.elementType == .float32 }

  private mutating func mark(_ name: String, _ value: Mark) {
    if marks.updateValue(value, forKey: name) == nil { order.append(name) }
  }

  private mutating func markActivation(_ name: String) {
    guard isFloat(name), marks[name] == nil else { return }
    mark(name, .activation)
  }

  private mutating func markShared(_ name: String, source: String) {
    guard isFloat(name) else { return }
    mark(name, .shared(source: source))
  }

  /// A constant float weight is quantized as int8; a weight computed at run time is an activation.
  private mutating func markWeight(_ name: String, axis: Int) {
    guard isFloat(name) else { return }
    guard graph.constants[name] != nil else { return markActivation(name) }
    mark(name, .weight(axis: options.perChannelWeights ? axis : nil))
  }

  private mutating func markBias(_ name: String, node: Node, weight: String) {
    // A bias shared by two nodes would need two scales; onnxruntime copies it, here the second
    // reader keeps the dequantized first one (the same values).
    guard isFloat(name), graph.constants[name] != nil, biases[name] == nil else { return }
    biases[name] = BiasUse(node: node.name, input: node.inputs[0], weight: weight)
    biasOrder.append(name)
  }

  /// Whether uint8 saturation at the calibrated range does what the activation does: the range
  /// always includes 0, so a lower bound above 0 (or an upper one below 0) would not clip.
  private func implementedBySaturation(_ node: Node) -> Bool {
    guard node.op == "Clip" else { return true }
    let constants = ConstantLookup(graph.constants)
    func bound(_ index: Int, _ attribute: String, _ fallback: Float) -> Float? {
      if index < node.inputs.count, !node.inputs[index].isEmpty {
        return constants.floats(node.inputs[index]).flatMap { $0.count == 1 ? $0[0] : nil }
      }
      return node.float(attribute, default: fallback)
    }
    guard let low = bound(1, "min", -.infinity), let high = bound(2, "max", .infinity) else { return false }
    return low <= 0 && high >= 0
  }

  /// onnxruntime's `try_replacing_upstream_output`: the producer of `upstream` writes `output`
  /// instead, when nothing else reads `upstream` and it is no graph input or output.
  private mutating func replaceUpstreamOutput(_ upstream: String, with output: String) -> Bool {
    guard ranges[output] != nil, ranges[upstream] != nil, consumerCount[upstream] == 1,
      !graph.outputs.contains(upstream), !graph.inputs.contains(where: { $0.name == upstream }),
      let producer = graph.nodes.firstIndex(where: { $0.outputs.contains(upstream) })
    else { return false }
    graph.nodes[producer].outputs = graph.nodes[producer].outputs.map { $0 == upstream ? output : $0 }
    if marks.removeValue(forKey: upstream) != nil { order.removeAll { $0 == upstream } }
    return true
  }
}
