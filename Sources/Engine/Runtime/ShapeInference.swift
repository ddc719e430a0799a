/// Infers the description (type, shape, quantization) of every tensor of a validated graph.
public enum ShapeInference {
  public static func infer(_ graph: Graph, registry: OperatorRegistry) throws(GraphError) -> [String:
    TensorInfo]
  {
    // Unsupported operators are reported all at once, with the nodes that use them.
    let unsupported = graph.nodes.filter { registry[$0.op] == nil }
    if !unsupported.isEmpty {
      let listed = unsupported.prefix(20).map { "\($0.op) (node \($0.name))" }
      throw GraphError(
        "unsupported operators: \(listed.joined(separator: ", "))\(unsupported.count > 20 ? ", ..." : "")")
    }
    let constants = ConstantLookup(graph.constants)
    var infos: [String: TensorInfo] = [:]
    for input in graph.inputs { infos[input.name] = input }
    for (name, tensor) in graph.constants {
      infos[name] = TensorInfo(
        name: name, elementType: tensor.elementType, shape: tensor.shape, quantization: tensor.quantization)
    }
    for node in graph.nodes {
      let inputs = node.inputs.map { $0.isEmpty ? nil : infos[$0] }
      let outputs = try registry[node.op]!.infer(node, inputs, constants)
      let declared = node.outputs.filter { !$0.isEmpty }.count
      guard outputs.count >= declared else {
        throw GraphError(
          "node \(node.name) (\(node.op)) declares \(declared) outputs; the operator makes \(outputs.count)")
      }
      for (name, info) in zip(node.outputs, outputs) where !name.isEmpty {
        var elements = 1
        for dimension in info.shape {
          let (product, overflow) = elements.multipliedReportingOverflow(by: max(dimension, 0))
          elements = overflow ? .max : product
        }
        guard info.shape.count <= Graph.maximumRank, info.shape.allSatisfy({ $0 >= 0 }),
          elements <= Tensor.maximumByteCount / 4
        else {
          throw GraphError("node \(node.name) (\(node.op)) would make tensor \(name) of shape \(info.shape)")
        }
        var named = info
        named.name = name
        infos[name] = named
      }
    }
    return infos
  }
}
