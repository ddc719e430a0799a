/// Replaces every node whose value is known at import by a constant.
///
/// A node whose inputs are all constants is evaluated with the engine itself: the node alone is
/// compiled as a one-node graph with `CompiledModel` and run once, so folding can never disagree
/// with running. Shape and Size are answered from the (static) input shapes, and ConstantOfShape
/// of a constant shape is filled directly when the registry has no such operator, which folds the
/// Shape -> Gather -> Concat -> Reshape chains of exported models down to a constant shape.
///
/// Not folded: DequantizeLinear unless asked (the QDQ fusion wants to see it with its int8
/// weights), random operators, nodes whose operator the registry lacks, and nodes whose outputs
/// would exceed `maximumBytes` (an Expand or a ConstantOfShape blowing a small constant up), or
/// once the pass has made `maximumTotalBytes` of constants.
enum ConstantFolding {
  static let nondeterministic: Set<String> = [
    "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli",
  ]

  /// `maximumBytes` bounds one node's outputs, `maximumTotalBytes` all that the pass makes.
  static func apply(
    _ graph: inout Graph, registry: OperatorRegistry, foldDequantize: Bool = false,
    maximumBytes: Int = 1 << 26,
    maximumTotalBytes: Int = 1 << 30
  ) {
    var infos = PartialShapeInference.seed(graph)
    var folded = Set<Int>()
    var budget = maximumTotalBytes
    for (index, node) in graph.nodes.enumerated() {
      if let values = fold(
        node, graph: graph, infos: infos, registry: registry, foldDequantize: foldDequantize,
        maximumBytes: min(maximumBytes, budget))
      {
        budget -= values.reduce(0) { $0 + $1.1.byteCount }
        for (name, tensor) in values {
          graph.constants[name] = tensor
          infos[name] = TensorInfo(
            name: name, elementType: tensor.elementType, shape: tensor.shape,
            quantization: tensor.quantization)
        }
        folded.insert(index)
      } else {
        PartialShapeInference.infer(
          node, &infos, constants: ConstantLookup(graph.constants), registry: registry)
      }
    }
    GraphRewriting.removeNodes(folded, from: &graph)
  }

  /// The node's outputs as constants, or nil when it cannot or should not be folded.
  static func fold(
    _ node: Node, graph: Graph, infos: [String: TensorInfo], registry: OperatorRegistry, foldDequantize: Bool,
    maximumBytes: Int
  ) -> [(String, Tensor)]? {
    let outputs = node.outputs.filter { !$0.isEmpty }
    guard !outputs.isEmpty, !nondeterministic.contains(node.op) else { return nil }
    switch node.op {
    case "Shape", "Size":
      guard let input = node.inputs.first, let info = infos[input], outputs.count == 1 else { return nil }
      if node.op == "Size" {
        return (try? GraphRewriting.intTensor([info.elementCount], shape: [])).map { [(outputs[0], $0)] }
      }
      let rank = info.shape.count
      func clamp(_ value: Int) -> Int { min(max(value < 0 ? value + rank : value, 0), rank) }
      let start = clamp(node.int("start", default: 0))
      let end = clamp(node.int("end", default: rank))
      let dims = start < end ? Array(info.shape[start..<end]) : []
      return (try? GraphRewriting.intTensor(dims, shape: [dims.count])).map { [(outputs[0], $0)] }
    case "ConstantOfShape" where registry[node.op] == nil:
      guard let input = node.inputs.first, let dims = ConstantLookup(graph.constants).ints(input),
        dims.allSatisfy({ $0 >= 0 }), outputs.count == 1
      else { return nil }
      guard let count = product(dims), count <= maximumBytes / 4 else { return nil }
      switch node.attributes["value"] ?? .float(0) {
      case .int(let value):
        return (try? GraphRewriting.intTensor([Int](repeating: value, count: count), shape: dims)).map {
          [(outputs[0], $0)]
        }
      case .float(let value):
        return (try? GraphRewriting.floatTensor([Float](repeating: value, count: count), shape: dims)).map {
          [(outputs[0], $0)]
        }
      default:
        return nil
      }
    default:
      break
    }
    let inputs = node.inputs.filter { !$0.isEmpty }
    guard !inputs.isEmpty, inputs.allSatisfy({ graph.constants[$0] != nil }),
      let definition = registry[node.op],
      foldDequantize || node.op != "DequantizeLinear"
    else { return nil }
    let constants = ConstantLookup(graph.constants)
    // Infer first, so that a node blowing up a constant is refused before anything is allocated.
    guard
      let described = try? definition.infer(node, node.inputs.map { $0.isEmpty ? nil : infos[$0] }, constants)
    else {
      return nil
    }
    var bytes = 0
    for info in described.prefix(node.outputs.count) {
      guard let count = product(info.shape), count <= maximumBytes else { return nil }
      bytes += count * info.elementType.byteCount
    }
    guard bytes <= maximumBytes else { return nil }
    var used: [String: Tensor] = [:]
    for name in inputs { used[name] = graph.constants[name] }
    let single = Graph(inputs: [], outputs: outputs, nodes: [node], constants: used)
    guard let model = try? CompiledModel(graph: single, registry: registry), let results = try? model.run([:])
    else {
      return nil
    }
    return outputs.compactMap { name in results[name].map { (name, $0) } }
  }

  /// The product of non-negative dimensions, or nil on a negative one or overflow.
  static func product(_ dims: [Int]) -> Int? {
    var result = 1
    for dimension in dims {
      guard dimension >= 0 else { return nil }
      let (next, overflow) = result.multipliedReportingOverflow(by: dimension)
      guard !overflow else { return nil }
      result = next
    }
    return result
  }
}
