/// A split of a graph into a head (run on the device) and a tail (run elsewhere), defined by the
/// tensors that cross from one to the other.
///
/// The head is every node needed to compute the crossing tensors; the tail is every other node,
/// and must be computable from the crossing tensors and constants alone. Graph outputs the head
/// computes must themselves cross. An empty crossing set is the "cloud only" cut when the graph
/// inputs are listed, and "device only" is the cut whose crossing set is the graph outputs.
public struct Cut: Sendable, Hashable, Codable {
  public var crossing: [String]

  public init(crossing: [String]) { self.crossing = crossing }

  /// The node indices of the head and the tail of `graph` (validated, topologically sorted).
  public func partition(_ graph: Graph) throws(GraphError) -> (head: [Int], tail: [Int]) {
    let producers = graph.producers
    let inputNames = Set(graph.inputs.map(\.name))
    let crossingSet = Set(crossing)
    var inHead = [Bool](repeating: false, count: graph.nodes.count)
    var stack: [Int] = []
    for name in crossing {
      if let node = producers[name] {
        stack.append(node)
      } else if !inputNames.contains(name) {
        throw GraphError("cut tensor \(name) is neither a graph input nor produced by a node")
      }
    }
    while let index = stack.popLast() {
      if inHead[index] { continue }
      inHead[index] = true
      for input in graph.nodes[index].inputs where !input.isEmpty {
        if let source = producers[input], !inHead[source] { stack.append(source) }
      }
    }
    let head = (0..<graph.nodes.count).filter { inHead[$0] }
    let tail = (0..<graph.nodes.count).filter { !inHead[$0] }
    var available = crossingSet.union(graph.constants.keys)
    for index in tail {
      for input in graph.nodes[index].inputs where !input.isEmpty && !available.contains(input) {
        throw GraphError(
          "cut is not closed: tail node \(graph.nodes[index].name) needs \(input), which does not cross")
      }
      available.formUnion(graph.nodes[index].outputs)
    }
    for output in graph.outputs where !available.contains(output) {
      throw GraphError("cut is not closed: graph output \(output) is computed in the head but does not cross")
    }
    return (head, tail)
  }
}
