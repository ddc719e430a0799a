/// Removes Identity nodes, and Dropout nodes (which are identities at inference), by making their
/// readers read the input directly.
///
/// When the removed node's output is a graph output, the name must survive: the producer of the
/// input is renamed to produce it instead. Where that is impossible (the input is itself a graph
/// input, a constant or another graph output) the node stays, as an Identity. A Dropout whose
/// mask output is used, or whose training_mode is not a constant false, is left alone.
enum IdentityRemoval {
  static func apply(_ graph: inout Graph, bools: [String: [Bool]] = [:]) {
    var index = 0
    while index < graph.nodes.count {
      let node = graph.nodes[index]
      guard node.op == "Identity" || node.op == "Dropout", let input = node.inputs.first, !input.isEmpty,
        let output = node.outputs.first, !output.isEmpty
      else {
        index += 1
        continue
      }
      if node.op == "Dropout" {
        let consumers = GraphRewriting.consumers(graph)
        let maskUsed =
          node.outputs.count > 1 && !node.outputs[1].isEmpty
          && (consumers[node.outputs[1]] != nil || graph.outputs.contains(node.outputs[1]))
        let training = node.inputs.count > 2 && !node.inputs[2].isEmpty ? node.inputs[2] : nil
        let inference =
          training.map { name in
            bools[name].map { $0.allSatisfy { !$0 } } ?? (graph.constants[name].map(isAllZero) ?? false)
          } ?? true
        guard !maskUsed, inference else {
          index += 1
          continue
        }
      }
      if graph.outputs.contains(output) {
        let producers = graph.producers
        guard let producer = producers[input], !graph.outputs.contains(input) else {
          // Keep the name with an Identity (a Dropout becomes one, the engine runs Identity).
          graph.nodes[index] = Node(name: node.name, op: "Identity", inputs: [input], outputs: [output])
          index += 1
          continue
        }
        graph.nodes[producer].outputs = graph.nodes[producer].outputs.map { $0 == input ? output : $0 }
        GraphRewriting.replaceUses(of: input, with: output, in: &graph)
      } else {
        GraphRewriting.replaceUses(of: output, with: input, in: &graph)
      }
      graph.nodes.remove(at: index)
    }
  }

  private static func isAllZero(_ tensor: Tensor) -> Bool {
    Array(tensor.bytes).allSatisfy { $0 == 0 }
  }
}
