extension Graph {
  /// The head or tail of `cut` as a graph of its own (this graph must be validated).
  ///
  /// The head keeps the graph inputs it uses and outputs the crossing tensors; the tail takes the
  /// crossing tensors as inputs (with `crossingInfos` describing them) and keeps the graph outputs.
  public func subgraph(_ part: CutPart, cut: Cut, crossingInfos: [String: TensorInfo] = [:])
    throws(GraphError) -> Graph
  {
    let (head, tail) = try cut.partition(self)
    let chosen = part == .head ? head : tail
    let kept = chosen.map { nodes[$0] }
    let used = Set(kept.flatMap(\.inputs))
    let usedConstants = constants.filter { used.contains($0.key) }
    switch part {
    case .head:
      let keptInputs = inputs.filter { used.contains($0.name) || cut.crossing.contains($0.name) }
      return Graph(
        inputs: keptInputs, outputs: cut.crossing, nodes: kept, constants: usedConstants, metadata: metadata)
    case .tail:
      var tailInputs: [TensorInfo] = []
      for name in cut.crossing {
        if let info = crossingInfos[name] ?? inputs.first(where: { $0.name == name }) {
          tailInputs.append(info)
        } else {
          throw GraphError("the tail needs a description of crossing tensor \(name)")
        }
      }
      return Graph(
        inputs: tailInputs, outputs: outputs, nodes: kept, constants: usedConstants, metadata: metadata)
    }
  }
}
