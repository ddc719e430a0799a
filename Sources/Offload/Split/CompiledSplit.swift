import Engine

/// The compiled parts of one `SplitMode` of a model: the head (nil when the cut is at the model
/// inputs, or in device-only mode) and the part the device runs last (the tail, which is the
/// whole model in device-only mode, and the fallback when an offload fails).
final class CompiledSplit {
  let mode: SplitMode
  let cut: Cut?
  let head: CompiledModel?
  let tail: CompiledModel
  /// Crossing tensors that are graph outputs the tail only passes through: computed by the
  /// head, they stay on the device (the server needs none of them) and join the server's outputs.
  let passThrough: Set<String>
  /// Frames in flight that use this split (it stays cached while any do).
  var users = 0

  init(graph: Graph, mode: SplitMode, threads: Int) throws(GraphError) {
    self.mode = mode
    let inputNames = graph.inputs.map(\.name)
    switch mode {
    case .deviceOnly:
      cut = nil
      head = nil
      tail = try CompiledModel(graph: graph, threadCount: threads)
      passThrough = []
      return
    case .cloudOnly:
      cut = Cut(crossing: inputNames)
    case .split(let chosen):
      cut = chosen
    }
    let cut = cut!
    guard Set(cut.crossing).count == cut.crossing.count else {
      throw GraphError("cut \(cut.crossing) names a tensor twice")
    }
    _ = try cut.partition(graph)
    head =
      cut.crossing.allSatisfy(inputNames.contains)
      ? nil : try CompiledModel.part(.head, of: graph, cut: cut, threadCount: threads)
    tail = try CompiledModel.part(.tail, of: graph, cut: cut, threadCount: threads)
    let read = Set(tail.graph.nodes.flatMap(\.inputs))
    let outputs = Set(graph.outputs)
    passThrough = Set(cut.crossing.filter { outputs.contains($0) && !read.contains($0) })
  }
}
