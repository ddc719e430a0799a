import Testing

@testable import Engine

@Suite struct GraphTests {
  static let input = TensorInfo(name: "x", elementType: .float32, shape: [1, 4])

  @Test func sortsNodesTopologically() throws {
    let graph = Graph(
      inputs: [Self.input], outputs: ["c"],
      nodes: [
        Node(name: "n2", op: "Relu", inputs: ["b"], outputs: ["c"]),
        Node(name: "n1", op: "Relu", inputs: ["a"], outputs: ["b"]),
        Node(name: "n0", op: "Relu", inputs: ["x"], outputs: ["a"]),
      ])
    #expect(try graph.validated().nodes.map(\.name) == ["n0", "n1", "n2"])
  }

  @Test func rejectsCyclesDoubleProducersAndDanglingInputs() {
    let cycle = Graph(
      inputs: [Self.input], outputs: ["b"],
      nodes: [
        Node(name: "a", op: "Add", inputs: ["x", "b"], outputs: ["a"]),
        Node(name: "b", op: "Relu", inputs: ["a"], outputs: ["b"]),
      ])
    #expect(throws: GraphError("graph has a cycle (through node a)")) { try cycle.validated() }
    let twice = Graph(
      inputs: [Self.input], outputs: ["a"],
      nodes: [
        Node(name: "p", op: "Relu", inputs: ["x"], outputs: ["a"]),
        Node(name: "q", op: "Relu", inputs: ["x"], outputs: ["a"]),
      ])
    #expect(throws: GraphError("tensor a is produced by both node q and node p")) { try twice.validated() }
    let dangling = Graph(
      inputs: [Self.input], outputs: ["a"],
      nodes: [Node(name: "p", op: "Relu", inputs: ["y"], outputs: ["a"])])
    #expect(throws: GraphError("node p (Relu) reads y, which nothing produces")) { try dangling.validated() }
    let missingOutput = Graph(inputs: [Self.input], outputs: ["z"], nodes: [])
    #expect(throws: GraphError("graph output z is not produced by any node")) {
      try missingOutput.validated()
    }
  }

  /// x -> a -> (b, c) -> d: a diamond.
  static let diamond = Graph(
    inputs: [input], outputs: ["d"],
    nodes: [
      Node(name: "A", op: "Relu", inputs: ["x"], outputs: ["a"]),
      Node(name: "B", op: "Relu", inputs: ["a"], outputs: ["b"]),
      Node(name: "C", op: "Sigmoid", inputs: ["a"], outputs: ["c"]),
      Node(name: "D", op: "Add", inputs: ["b", "c"], outputs: ["d"]),
    ])

  @Test func aCutThroughBothBranchesPartitions() throws {
    let (head, tail) = try Cut(crossing: ["b", "c"]).partition(Self.diamond.validated())
    #expect(head == [0, 1, 2])
    #expect(tail == [3])
  }

  @Test func aCutMissingABranchIsNotClosed() throws {
    #expect(throws: GraphError("cut is not closed: tail node C needs a, which does not cross")) {
      try Cut(crossing: ["b"]).partition(Self.diamond.validated())
    }
  }

  @Test func theTailNeedingTheBranchPointIsAllowedWhenItCrosses() throws {
    // Crossing a and b: the head is A and B; C runs in the tail from a.
    let (head, tail) = try Cut(crossing: ["a", "b"]).partition(Self.diamond.validated())
    #expect(head == [0, 1])
    #expect(tail == [2, 3])
  }
}
