/// Fuses an activation that follows a Conv into the Conv, which applies it while its output is
/// still in cache. The Conv gets the attribute "activation":
/// - "Relu", "HardSwish", "Sigmoid", "SiLU" (SiLU as fused by `SiLUFusion` from Sigmoid+Mul);
/// - "Clip", with "activation_min"/"activation_max" floats (from the Clip's constant inputs, or
///   its attributes before opset 11; an absent bound is -inf/+inf);
/// - "LeakyRelu", with "activation_alpha";
/// - "Tanh", and "HardSigmoid" with "activation_alpha"/"activation_beta" (the Conv operator
///   applies these too).
/// Applies when the Conv's output is read by the activation alone and is not a graph output; the
/// Conv takes over the activation's output name.
enum ConvActivationFusion {
  /// The Conv attributes describing `node` as a fused activation, or nil if it is not one.
  static func attributes(of node: Node, graph: Graph) -> [String: Attribute]? {
    switch node.op {
    case "Relu", "HardSwish", "Sigmoid", "SiLU", "Tanh":
      return ["activation": .string(node.op)]
    case "HardSigmoid":
      return [
        "activation": .string("HardSigmoid"), "activation_alpha": .float(node.float("alpha", default: 0.2)),
        "activation_beta": .float(node.float("beta", default: 0.5)),
      ]
    case "LeakyRelu":
      return [
        "activation": .string("LeakyRelu"), "activation_alpha": .float(node.float("alpha", default: 0.01)),
      ]
    case "Clip":
      func bound(_ index: Int, _ attribute: String, _ fallback: Float) -> Float? {
        if index < node.inputs.count, !node.inputs[index].isEmpty {
          return GraphRewriting.scalar(node.inputs[index], in: graph)
        }
        return node.float(attribute, default: fallback)
      }
      guard let low = bound(1, "min", -.infinity), let high = bound(2, "max", .infinity) else { return nil }
      return ["activation": .string("Clip"), "activation_min": .float(low), "activation_max": .float(high)]
    default:
      return nil
    }
  }

  static func apply(_ graph: inout Graph) {
    let consumers = GraphRewriting.consumers(graph)
    var removed = Set<Int>()
    for (index, conv) in graph.nodes.enumerated()
    where conv.op == "Conv" && conv.attributes["activation"] == nil {
      guard let y = conv.outputs.first, !graph.outputs.contains(y), let readers = consumers[y],
        readers.count == 1
      else {
        continue
      }
      let activation = graph.nodes[readers[0]]
      guard activation.inputs.first == y, let fused = attributes(of: activation, graph: graph),
        let output = activation.outputs.first
      else { continue }
      graph.nodes[index].attributes.merge(fused) { _, new in new }
      graph.nodes[index].outputs = [output]
      removed.insert(readers[0])
    }
    GraphRewriting.removeNodes(removed, from: &graph)
  }
}
