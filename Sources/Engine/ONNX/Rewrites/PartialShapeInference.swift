/// Best-effort shape inference for rewrites: like `ShapeInference`, but a node whose operator the
/// registry lacks, or whose inference fails, just leaves its outputs undescribed instead of
/// failing the whole graph (that is reported later, when the graph is compiled).
enum PartialShapeInference {
  /// Descriptions of the graph inputs and constants.
  static func seed(_ graph: Graph) -> [String: TensorInfo] {
    var infos: [String: TensorInfo] = [:]
    for input in graph.inputs { infos[input.name] = input }
    for (name, tensor) in graph.constants {
      infos[name] = TensorInfo(
        name: name, elementType: tensor.elementType, shape: tensor.shape, quantization: tensor.quantization)
    }
    return infos
  }

  /// Infers `node`'s outputs into `infos` when possible.
  static func infer(
    _ node: Node, _ infos: inout [String: TensorInfo], constants: ConstantLookup, registry: OperatorRegistry
  ) {
    guard let definition = registry[node.op] else { return }
    var inputs: [TensorInfo?] = []
    for name in node.inputs {
      if name.isEmpty {
        inputs.append(nil)
      } else if let info = infos[name] {
        inputs.append(info)
      } else {
        return
      }
    }
    guard let outputs = try? definition.infer(node, inputs, constants) else { return }
    for (name, info) in zip(node.outputs, outputs) where !name.isEmpty && info.shape.allSatisfy({ $0 >= 0 }) {
      var named = info
      named.name = name
      infos[name] = named
    }
  }

  /// Every description that can be inferred.
  static func infer(_ graph: Graph, registry: OperatorRegistry) -> [String: TensorInfo] {
    var infos = seed(graph)
    let constants = ConstantLookup(graph.constants)
    for node in graph.nodes { infer(node, &infos, constants: constants, registry: registry) }
    return infos
  }
}
