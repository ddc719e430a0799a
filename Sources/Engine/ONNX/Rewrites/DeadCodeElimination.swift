/// Drops what no graph output depends on: nodes none of whose outputs is read (such as the
/// Shape nodes left behind by constant folding) and constants no node reads.
enum DeadCodeElimination {
  static func apply(_ graph: inout Graph) {
    var live = Set(graph.outputs)
    var kept: [Node] = []
    for node in graph.nodes.reversed()
    where node.outputs.contains(where: { !$0.isEmpty && live.contains($0) }) {
      kept.append(node)
      live.formUnion(node.inputs.filter { !$0.isEmpty })
    }
    graph.nodes = kept.reversed()
    graph.constants = graph.constants.filter { live.contains($0.key) }
  }
}
