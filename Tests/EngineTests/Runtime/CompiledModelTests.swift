import Testing

@testable import Engine

@Suite struct CompiledModelTests {
  func tensor(_ values: [Float], shape: [Int]) throws -> Tensor {
    let tensor = try Tensor(shape: shape, elementType: .float32)
    tensor.withMutableElements(as: Float.self) { for i in values.indices { $0[i] = values[i] } }
    return tensor
  }

  func values(_ tensor: Tensor?) -> [Float] { tensor?.withElements(as: Float.self) { Array($0) } ?? [] }

  static let chain = Graph(
    inputs: [TensorInfo(name: "x", elementType: .float32, shape: [1, 4])], outputs: ["y"],
    nodes: [
      Node(name: "neg", op: "Neg", inputs: ["x"], outputs: ["n"]),
      Node(name: "relu", op: "Relu", inputs: ["n"], outputs: ["r"]),
      Node(
        name: "clip", op: "Clip", inputs: ["r"], outputs: ["y"],
        attributes: ["min": .float(0), "max": .float(1.5)]),
    ])

  @Test func runsAChain() throws {
    let model = try CompiledModel(graph: Self.chain)
    let output = try model.run(["x": tensor([-3, -1, 0, 2], shape: [1, 4])])
    #expect(values(output["y"]) == [1.5, 1, 0, 0])
  }

  @Test func headThenTailEqualsTheWhole() throws {
    let input = try tensor([-3, -1, 0, 2], shape: [1, 4])
    let whole = try CompiledModel(graph: Self.chain).run(["x": input])
    let cut = Cut(crossing: ["r"])
    let head = try CompiledModel.part(.head, of: Self.chain, cut: cut)
    let tail = try CompiledModel.part(.tail, of: Self.chain, cut: cut)
    let crossing = try head.run(["x": input])
    #expect(head.graph.nodes.map(\.name) == ["neg", "relu"])
    #expect(tail.graph.nodes.map(\.name) == ["clip"])
    #expect(values(try tail.run(crossing)["y"]) == values(whole["y"]))
  }

  @Test func listsEveryUnsupportedOperatorWithItsNode() {
    let graph = Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: [1])], outputs: ["b"],
      nodes: [
        Node(name: "first", op: "Frobnicate", inputs: ["x"], outputs: ["a"]),
        Node(name: "second", op: "Einsum", inputs: ["a"], outputs: ["b"]),
      ])
    #expect(throws: GraphError("unsupported operators: Frobnicate (node first), Einsum (node second)")) {
      try CompiledModel(graph: graph)
    }
  }

  @Test func rejectsInputsOfTheWrongShape() throws {
    let model = try CompiledModel(graph: Self.chain)
    #expect(throws: GraphError("input x must be float32 [1, 4], not float32 [1, 3]")) {
      try model.run(["x": tensor([1, 2, 3], shape: [1, 3])])
    }
  }

  @Test func threadPoolVisitsEveryIndexOnce() {
    let pool = ThreadPool(threads: 3)
    defer { pool.shutdown() }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 1000)
    counts.initialize(repeating: 0, count: 1000)
    defer { counts.deallocate() }
    for _ in 0..<20 { pool.parallelFor(1000) { counts[$0] += 1 } }
    #expect((0..<1000).allSatisfy { counts[$0] == 20 })
  }
}
