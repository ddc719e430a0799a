/// A model: a DAG of nodes over named tensors, with constant tensors (weights) and declared
/// inputs and outputs. `validated()` checks structure and puts nodes in topological order;
/// every other part of the engine takes a validated graph.
public struct Graph: Sendable {
  public var inputs: [TensorInfo]
  public var outputs: [String]
  public var nodes: [Node]
  public var constants: [String: Tensor]
  /// Free-form facts carried with the model (producer, detector head layout, class names, ...).
  public var metadata: [String: String]

  public init(
    inputs: [TensorInfo], outputs: [String], nodes: [Node], constants: [String: Tensor] = [:],
    metadata: [String: String] = [:]
  ) {
    self.inputs = inputs
    self.outputs = outputs
    self.nodes = nodes
    self.constants = constants
    self.metadata = metadata
  }

  /// Limits that keep a hostile model from exhausting memory or time before it is rejected.
  public static let maximumNodes = 100_000
  public static let maximumRank = 8

  /// Checks that every tensor has exactly one producer (a graph input, a constant or one node),
  /// that every consumed tensor is produced, that outputs exist and that there is no cycle;
  /// returns the graph with nodes in a topological order (stable: ties keep file order).
  public func validated() throws(GraphError) -> Graph {
    guard nodes.count <= Graph.maximumNodes else {
      throw GraphError("graph has \(nodes.count) nodes; the limit is \(Graph.maximumNodes)")
    }
    var producer: [String: Int] = [:]  // -1 graph input, -2 constant, else node index
    for input in inputs {
      guard input.shape.count <= Graph.maximumRank, input.shape.allSatisfy({ $0 > 0 }) else {
        throw GraphError("input \(input.name) has unsupported shape \(input.shape)")
      }
      guard producer.updateValue(-1, forKey: input.name) == nil else {
        throw GraphError("input \(input.name) is declared twice")
      }
    }
    for name in constants.keys where producer[name] == nil { producer[name] = -2 }
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where !output.isEmpty {
        if let previous = producer.updateValue(index, forKey: output) {
          let other =
            previous >= 0 ? "node \(nodes[previous].name)" : previous == -1 ? "a graph input" : "a constant"
          throw GraphError("tensor \(output) is produced by both node \(node.name) and \(other)")
        }
      }
    }
    var pending = [Int](repeating: 0, count: nodes.count)
    var consumers = [[Int]](repeating: [], count: nodes.count)
    for (index, node) in nodes.enumerated() {
      for input in node.inputs where !input.isEmpty {
        guard let source = producer[input] else {
          throw GraphError("node \(node.name) (\(node.op)) reads \(input), which nothing produces")
        }
        if source >= 0 {
          pending[index] += 1
          consumers[source].append(index)
        }
      }
    }
    for output in outputs where producer[output] == nil {
      throw GraphError("graph output \(output) is not produced by any node")
    }
    // Kahn's algorithm; the FIFO ready list keeps the order close to the file's.
    var ready = (0..<nodes.count).filter { pending[$0] == 0 }
    var order: [Int] = []
    order.reserveCapacity(nodes.count)
    var cursor = 0
    while cursor < ready.count {
      let index = ready[cursor]
      cursor += 1
      order.append(index)
      for consumer in consumers[index] {
        pending[consumer] -= 1
        if pending[consumer] == 0 { ready.append(consumer) }
      }
    }
    guard order.count == nodes.count else {
      let stuck = (0..<nodes.count).first { pending[$0] > 0 }.map { nodes[$0].name } ?? "?"
      throw GraphError("graph has a cycle (through node \(stuck))")
    }
    var sorted = self
    sorted.nodes = order.map { nodes[$0] }
    return sorted
  }

  /// The node producing each tensor, by index into `nodes`.
  public var producers: [String: Int] {
    var result: [String: Int] = [:]
    for (index, node) in nodes.enumerated() {
      for output in node.outputs where !output.isEmpty { result[output] = index }
    }
    return result
  }
}
