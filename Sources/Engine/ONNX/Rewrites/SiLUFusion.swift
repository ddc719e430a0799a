/// Fuses `Mul(x, Sigmoid(x))` (either operand order), which is how exporters spell SiLU/Swish,
/// into the engine's one-pass "SiLU" operator. Applies when the Sigmoid's output is read by that
/// Mul alone and is not a graph output. The fused node takes the Mul's name and output.
enum SiLUFusion {
  static func apply(_ graph: inout Graph) {
    let consumers = GraphRewriting.consumers(graph)
    var removed = Set<Int>()
    for (index, sigmoid) in graph.nodes.enumerated() where sigmoid.op == "Sigmoid" {
      guard let x = sigmoid.inputs.first, !x.isEmpty, let y = sigmoid.outputs.first,
        !graph.outputs.contains(y),
        let readers = consumers[y], readers.count == 1
      else { continue }
      let mulIndex = readers[0]
      let mul = graph.nodes[mulIndex]
      guard mul.op == "Mul", mul.inputs.count == 2, Set(mul.inputs) == [x, y], !removed.contains(mulIndex)
      else { continue }
      graph.nodes[mulIndex] = Node(name: mul.name, op: "SiLU", inputs: [x], outputs: mul.outputs)
      removed.insert(index)
    }
    GraphRewriting.removeNodes(removed, from: &graph)
  }
}
