/// Turns the QDQ form of an int8 model (what onnxruntime.quantization.quantize_static writes:
/// DequantizeLinear before a float operator, QuantizeLinear after it) into int8 kernels:
///
/// - DQ(x) -> Conv(DQ(w), DQ(b)) -> Q  becomes QLinearConv, the Conv's fused Relu/Clip included;
///   a float bias, or one whose scale is not x_scale * w_scale, is requantized to int32;
/// - DQ(a) -> MatMul(DQ(b constant)) -> Q  becomes QLinearMatMul (b per tensor or per column);
/// - DQ(a) -> Gemm(DQ(w constant), bias) -> Q  becomes QGemm (ONNX Runtime's com.microsoft
///   operator) when alpha and beta are 1, w per tensor or per column of op(w), and the bias is
///   absent or one value per column (int32 or float, made int32 as for QLinearConv);
/// - DQ(a) + DQ(b) -> Add -> Q  becomes QLinearAdd (same shapes);
/// - DQ(x) -> op -> Q for an op that only moves values (Reshape, Transpose, Flatten, Squeeze,
///   Unsqueeze, Resize in mode nearest), when the Q reuses the DQ's scale and zero point,
///   becomes the op on the int8 tensor itself;
/// - DQ(x) -> Concat <- DQ(y) ... -> Q becomes an int8 Concat when every scale and zero point is
///   the same, else QLinearConcat (each input requantized while copied).
///
/// Each pattern needs constant per-tensor activation parameters, the float tensor between the op
/// and the Q read by the Q alone (and not a graph output). What does not fit stays as it was,
/// DequantizeLinear -> float operator -> QuantizeLinear, which computes the same values in float.
/// DequantizeLinear nodes left without readers go to dead-code elimination.
enum QDQFusion {
  /// A DequantizeLinear with constant per-tensor (or, for weights, per-axis) parameters.
  struct Dequantize {
    var source: String
    var scale: String
    var zeroPoint: String?
    var quantization: Quantization
    var type: ElementType
  }

  static func apply(_ graph: inout Graph, registry: OperatorRegistry) throws(GraphError) {
    // Only QDQ models pay for the shape inference the fusion needs.
    guard graph.nodes.contains(where: { $0.op == "DequantizeLinear" }) else { return }
    var fusion = try Fusion(graph, registry: registry)
    for index in graph.nodes.indices {
      switch graph.nodes[index].op {
      case "Conv": try fusion.convolution(index)
      case "Add": fusion.add(index)
      case "MatMul": try fusion.matMul(index)
      case "Gemm": try fusion.gemm(index)
      case "Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze", "Resize": fusion.passThrough(index)
      case "Concat": fusion.concat(index)
      default: break
      }
    }
    graph = fusion.finish()
  }

  struct Fusion {
    var graph: Graph
    let consumers: [String: [Int]]
    let producers: [String: Int]
    var removed = Set<Int>()
    var taken: Set<String>
    /// Shapes and types of the graph before fusion (the fused nodes keep them).
    let infos: [String: TensorInfo]

    init(_ graph: Graph, registry: OperatorRegistry) throws(GraphError) {
      self.graph = graph
      infos = try ShapeInference.infer(graph, registry: registry)
      consumers = GraphRewriting.consumers(graph)
      producers = graph.producers
      taken = GraphRewriting.names(graph)
    }

    mutating func finish() -> Graph {
      GraphRewriting.removeNodes(removed, from: &graph)
      return graph
    }

    /// The DequantizeLinear producing `name`, if its parameters are constants.
    func dequantize(_ name: String) -> Dequantize? {
      guard let index = producers[name], !removed.contains(index) else { return nil }
      let node = graph.nodes[index]
      guard node.op == "DequantizeLinear", let info = infos[node.inputs[0]],
        let quantization = QuantizationAnnotation.quantization(
          of: node, type: info.elementType, shape: info.shape, constants: graph.constants)
      else { return nil }
      let type = info.elementType
      let zero = node.inputs.count > 2 && !node.inputs[2].isEmpty ? node.inputs[2] : nil
      return Dequantize(
        source: node.inputs[0], scale: node.inputs[1], zeroPoint: zero, quantization: quantization, type: type
      )
    }

    /// The QuantizeLinear reading `name` if it is the only reader, with per-tensor constants.
    func soleQuantize(_ name: String) -> (
      index: Int, node: Node, quantization: Quantization, type: ElementType
    )? {
      guard !graph.outputs.contains(name), let readers = consumers[name], readers.count == 1 else {
        return nil
      }
      let node = graph.nodes[readers[0]]
      guard node.op == "QuantizeLinear", node.inputs.first == name, node.inputs.count >= 2,
        let scale = GraphRewriting.scalar(node.inputs[1], in: graph), scale > 0, scale.isFinite
      else { return nil }
      var zero: Int32 = 0
      var type = ElementType.uint8
      if node.inputs.count > 2, !node.inputs[2].isEmpty {
        guard let tensor = graph.constants[node.inputs[2]], tensor.elementCount == 1,
          tensor.elementType.isQuantized,
          let value = ConstantLookup(graph.constants).ints(node.inputs[2])?.first
        else { return nil }
        zero = Int32(value)
        type = tensor.elementType
      }
      guard node.int("block_size", default: 0) == 0, node.attributes["output_dtype"] == nil else {
        return nil
      }
      return (readers[0], node, Quantization(scale: scale, zeroPoint: zero), type)
    }

    /// A zero point input for `parameters`: the DQ's own, or a new constant 0 of its type.
    mutating func zeroPointName(_ parameters: Dequantize, for node: String) throws(GraphError) -> String {
      if let name = parameters.zeroPoint { return name }
      let name = GraphRewriting.freshName("\(node)_zero_point", taken: &taken)
      do {
        graph.constants[name] = try Tensor(shape: [], elementType: parameters.type)
      } catch {
        throw GraphError("cannot make a zero point for node \(node): \(error)")
      }
      return name
    }

    /// The zero point input of `quantize`: its own, or a new uint8 0 (QuantizeLinear's default).
    mutating func outputZeroPointName(_ quantize: Node, for node: String) throws(GraphError) -> String {
      if quantize.inputs.count > 2, !quantize.inputs[2].isEmpty { return quantize.inputs[2] }
      let name = GraphRewriting.freshName("\(node)_y_zero_point", taken: &taken)
      do {
        graph.constants[name] = try Tensor(shape: [], elementType: .uint8)
      } catch {
        throw GraphError("cannot make a zero point for node \(node): \(error)")
      }
      return name
    }

    mutating func convolution(_ index: Int) throws(GraphError) {
      let conv = graph.nodes[index]
      guard conv.inputs.count >= 2, let y = conv.outputs.first, let quantize = soleQuantize(y),
        let x = dequantize(conv.inputs[0]), x.quantization.axis == nil, graph.constants[x.source] == nil,
        let w = dequantize(conv.inputs[1]), graph.constants[w.source] != nil,
        w.quantization.axis == nil || w.quantization.axis == 0
      else { return }
      switch conv.string("activation", default: "") {
      case "", "Relu", "Clip": break
      default: return
      }
      var bias = ""
      if conv.inputs.count > 2, !conv.inputs[2].isEmpty {
        let outChannels = graph.constants[w.source]!.shape.first ?? 0
        guard let name = try int32Bias(conv, x: x, w: w, outChannels: outChannels) else { return }
        bias = name
      }
      let xZero = try zeroPointName(x, for: "\(conv.name)_x")
      let wZero = try zeroPointName(w, for: "\(conv.name)_w")
      let yZero = try outputZeroPointName(quantize.node, for: conv.name)
      var attributes = conv.attributes
      attributes["activation"] = conv.attributes["activation"]
      graph.nodes[index] = Node(
        name: conv.name, op: "QLinearConv",
        inputs: [x.source, x.scale, xZero, w.source, w.scale, wZero, quantize.node.inputs[1], yZero, bias],
        outputs: [quantize.node.outputs[0]], attributes: attributes)
      removed.insert(quantize.index)
    }

    /// The int32 bias of a fused convolution or Gemm (`outChannels` values): DQ(int32 b) when its
    /// scale is x_scale * w_scale and its zero point 0, as quantizers write it; else the float bias
    /// requantized to that scale.
    mutating func int32Bias(_ conv: Node, x: Dequantize, w: Dequantize, outChannels: Int) throws(GraphError)
      -> String?
    {
      let name = conv.inputs[2]
      let xScale = x.quantization.scales[0]
      let wScales = w.quantization.scales
      func expected(_ m: Int) -> Float { xScale * (wScales.count == 1 ? wScales[0] : wScales[m]) }
      var values: [Float]
      let constants = ConstantLookup(graph.constants)
      if let producer = producers[name], graph.nodes[producer].op == "DequantizeLinear" {
        let b = graph.nodes[producer]
        guard let tensor = graph.constants[b.inputs[0]], tensor.elementType == .int32,
          tensor.elementCount == outChannels, b.inputs.count >= 2, let scales = constants.floats(b.inputs[1]),
          scales.count == 1 || scales.count == outChannels
        else { return nil }
        if b.inputs.count > 2, !b.inputs[2].isEmpty {
          guard let zeros = constants.ints(b.inputs[2]), zeros.allSatisfy({ $0 == 0 }) else { return nil }
        }
        let exact = (0..<outChannels).allSatisfy {
          let scale = scales.count == 1 ? scales[0] : scales[$0]
          return abs(scale - expected($0)) <= expected($0) * 1e-6
        }
        if exact { return b.inputs[0] }
        values = tensor.withElements(as: Int32.self) { raw in
          (0..<outChannels).map { Float(raw[$0]) * (scales.count == 1 ? scales[0] : scales[$0]) }
        }
      } else if let floats = constants.floats(name), floats.count == outChannels {
        values = floats
      } else {
        return nil
      }
      var quantized: [Int] = []
      for m in 0..<outChannels {
        let value = (values[m] / expected(m)).rounded(.toNearestOrEven)
        guard value.isFinite, abs(value) < 2_147_483_520 else { return nil }
        quantized.append(Int(value))
      }
      let bias = GraphRewriting.freshName("\(conv.name)_bias_int32", taken: &taken)
      graph.constants[bias] = try GraphRewriting.intTensor(quantized, shape: [outChannels])
      return bias
    }

    mutating func matMul(_ index: Int) throws(GraphError) {
      let node = graph.nodes[index]
      guard node.inputs.count == 2, let y = node.outputs.first, let quantize = soleQuantize(y),
        let a = dequantize(node.inputs[0]), a.quantization.axis == nil, graph.constants[a.source] == nil,
        let b = dequantize(node.inputs[1]), let weights = graph.constants[b.source]
      else { return }
      // Per column: along b's last axis (of a matrix; a 1-D b is one column).
      guard
        b.quantization.axis == nil
          || (weights.shape.count >= 2 && b.quantization.axis == weights.shape.count - 1)
      else { return }
      let aZero = try zeroPointName(a, for: "\(node.name)_a")
      let bZero = try zeroPointName(b, for: "\(node.name)_b")
      let yZero = try outputZeroPointName(quantize.node, for: node.name)
      graph.nodes[index] = Node(
        name: node.name, op: "QLinearMatMul",
        inputs: [a.source, a.scale, aZero, b.source, b.scale, bZero, quantize.node.inputs[1], yZero],
        outputs: [quantize.node.outputs[0]])
      removed.insert(quantize.index)
    }

    mutating func gemm(_ index: Int) throws(GraphError) {
      let node = graph.nodes[index]
      let transB = node.int("transB", default: 0) != 0
      guard node.inputs.count >= 2, let y = node.outputs.first, let quantize = soleQuantize(y),
        node.float("alpha", default: 1) == 1, node.float("beta", default: 1) == 1,
        let a = dequantize(node.inputs[0]), a.quantization.axis == nil, graph.constants[a.source] == nil,
        let w = dequantize(node.inputs[1]), let weights = graph.constants[w.source], weights.shape.count == 2,
        w.quantization.axis == nil || w.quantization.axis == (transB ? 0 : 1)
      else { return }
      var bias = ""
      if node.inputs.count > 2, !node.inputs[2].isEmpty {
        let columns = weights.shape[transB ? 0 : 1]
        guard let name = try int32Bias(node, x: a, w: w, outChannels: columns) else { return }
        bias = name
      }
      let aZero = try zeroPointName(a, for: "\(node.name)_a")
      let wZero = try zeroPointName(w, for: "\(node.name)_b")
      let yZero = try outputZeroPointName(quantize.node, for: node.name)
      graph.nodes[index] = Node(
        name: node.name, op: "QGemm",
        inputs: [a.source, a.scale, aZero, w.source, w.scale, wZero, bias, quantize.node.inputs[1], yZero],
        outputs: [quantize.node.outputs[0]],
        attributes: [
          "transA": .int(node.int("transA", default: 0)), "transB": .int(transB ? 1 : 0),
        ])
      removed.insert(quantize.index)
    }

    mutating func add(_ index: Int) {
      let node = graph.nodes[index]
      guard node.inputs.count == 2, let y = node.outputs.first, let quantize = soleQuantize(y),
        let a = dequantize(node.inputs[0]), let b = dequantize(node.inputs[1]),
        a.quantization.axis == nil, b.quantization.axis == nil, a.type == b.type, a.type == quantize.type,
        let aZero = a.zeroPoint, let bZero = b.zeroPoint, quantize.node.inputs.count > 2,
        graph.constants[a.source] == nil, graph.constants[b.source] == nil,
        let aShape = infos[a.source]?.shape, aShape == infos[b.source]?.shape
      else { return }
      graph.nodes[index] = Node(
        name: node.name, op: "QLinearAdd",
        inputs: [
          a.source, a.scale, aZero, b.source, b.scale, bZero, quantize.node.inputs[1],
          quantize.node.inputs[2],
        ],
        outputs: [quantize.node.outputs[0]])
      removed.insert(quantize.index)
    }

    mutating func passThrough(_ index: Int) {
      let node = graph.nodes[index]
      if node.op == "Resize" && node.string("mode", default: "nearest") != "nearest" { return }
      guard let y = node.outputs.first, node.outputs.count == 1, let quantize = soleQuantize(y),
        let x = dequantize(node.inputs[0]), x.quantization == quantize.quantization, x.type == quantize.type,
        graph.constants[x.source] == nil
      else { return }
      graph.nodes[index].inputs[0] = x.source
      graph.nodes[index].outputs = [quantize.node.outputs[0]]
      removed.insert(quantize.index)
    }

    mutating func concat(_ index: Int) {
      let node = graph.nodes[index]
      guard let y = node.outputs.first, let quantize = soleQuantize(y), !node.inputs.isEmpty,
        quantize.node.inputs.count > 2
      else { return }
      var inputs: [Dequantize] = []
      for input in node.inputs {
        guard let x = dequantize(input), x.quantization.axis == nil, x.type == quantize.type,
          graph.constants[x.source] == nil
        else { return }
        inputs.append(x)
      }
      if inputs.allSatisfy({ $0.quantization == quantize.quantization }) {
        graph.nodes[index].inputs = inputs.map(\.source)
      } else {
        // Inputs in other parameters are requantized while copied (ONNX Runtime's QLinearConcat).
        var operands = [quantize.node.inputs[1], quantize.node.inputs[2]]
        for x in inputs {
          guard let zero = x.zeroPoint else { return }
          operands += [x.source, x.scale, zero]
        }
        graph.nodes[index] = Node(
          name: node.name, op: "QLinearConcat", inputs: operands, outputs: [], attributes: node.attributes)
      }
      graph.nodes[index].outputs = [quantize.node.outputs[0]]
      removed.insert(quantize.index)
    }
  }
}
