import Testing

@testable import Engine

@Suite struct ModelStatisticsTests {
  static func constant(_ shape: [Int]) throws -> Tensor { try Tensor(shape: shape, elementType: .float32) }

  /// Conv (grouped) -> Relu -> Flatten -> Gemm, a Gemm with transA, and a batched MatMul.
  static func graph() throws -> Graph {
    Graph(
      inputs: [
        TensorInfo(name: "x", elementType: .float32, shape: [1, 4, 6, 6]),
        TensorInfo(name: "z", elementType: .float32, shape: [2, 3, 4]),
      ],
      outputs: ["y", "t", "m"],
      nodes: [
        Node(
          name: "conv", op: "Conv", inputs: ["x", "w"], outputs: ["c"],
          attributes: ["group": .int(2), "pads": .ints([1, 1, 1, 1])]),
        Node(name: "relu", op: "Relu", inputs: ["c"], outputs: ["r"]),
        Node(name: "flatten", op: "Flatten", inputs: ["r"], outputs: ["f"]),
        Node(name: "fc", op: "Gemm", inputs: ["f", "fcWeight"], outputs: ["y"]),
        Node(
          name: "transposed", op: "Gemm", inputs: ["a", "b"], outputs: ["t"], attributes: ["transA": .int(1)]),
        Node(name: "matmul", op: "MatMul", inputs: ["z", "mWeight"], outputs: ["m"]),
      ],
      constants: [
        "w": try constant([6, 2, 3, 3]), "fcWeight": try constant([216, 10]), "a": try constant([5, 3]),
        "b": try constant([5, 2]), "mWeight": try constant([4, 5]),
      ])
  }

  @Test func countsMultiplyAccumulatesPerNodeAndInTotal() throws {
    let statistics = ModelStatistics(try CompiledModel(graph: try Self.graph()))
    let byName = Dictionary(uniqueKeysWithValues: statistics.nodes.map { ($0.name, $0) })
    // Conv: 6x6x6 outputs, each over C/group * kH * kW = 2 * 3 * 3.
    #expect(byName["conv"]?.multiplyAccumulates == 216 * 18)
    #expect(byName["relu"]?.multiplyAccumulates == 0)
    #expect(byName["flatten"]?.multiplyAccumulates == 0)
    #expect(byName["fc"]?.multiplyAccumulates == 1 * 10 * 216)
    // transA: A is [K, M] = [5, 3], so M * N * K = 3 * 2 * 5.
    #expect(byName["transposed"]?.multiplyAccumulates == 30)
    #expect(byName["matmul"]?.multiplyAccumulates == 2 * 3 * 5 * 4)
    #expect(statistics.multiplyAccumulates == 3888 + 2160 + 30 + 120)
    #expect(byName["conv"]?.outputs == [TensorInfo(name: "c", elementType: .float32, shape: [1, 6, 6, 6])])
    // Execution order: the validated graph's topological order (nodes without pending inputs first).
    #expect(statistics.nodes.map(\.name) == ["conv", "transposed", "matmul", "relu", "flatten", "fc"])
  }

  @Test func countsParametersAndActivationMemory() throws {
    let model = try CompiledModel(graph: try Self.graph())
    let statistics = ModelStatistics(model)
    #expect(statistics.parameterCount == 108 + 2160 + 15 + 10 + 20)
    #expect(statistics.parameterBytes == 4 * statistics.parameterCount)
    // Every tensor that is not a constant is an activation (inputs and outputs included).
    let activations = model.tensorInfos.filter { model.graph.constants[$0.key] == nil }.values
    let total = activations.reduce(0) { $0 + ($1.byteCount + 63) / 64 * 64 }
    #expect(statistics.activationTotalBytes == total)
    #expect(statistics.activationArenaBytes == model.memoryPlan.arenaBytes)
    #expect(statistics.activationLowerBound == model.memoryPlan.lowerBound)
    // The chain reuses memory: the arena is smaller than all activations together.
    #expect(statistics.activationArenaBytes < statistics.activationTotalBytes)
    // Float kernels keep their own per-lane scratch; only int8 convolutions use the workspace.
    #expect(statistics.workspaceBytes == 0)
  }

  @Test func countsQuantizedOperatorsAndSaturates() {
    let infos = [
      "w": TensorInfo(name: "w", elementType: .int8, shape: [4, 3, 3, 3]),
      "y": TensorInfo(name: "y", elementType: .uint8, shape: [1, 4, 5, 5]),
      "a": TensorInfo(name: "a", elementType: .uint8, shape: [7, 9]),
      "p": TensorInfo(name: "p", elementType: .uint8, shape: [7, 11]),
      "huge": TensorInfo(name: "huge", elementType: .float32, shape: [1 << 40, 1 << 30]),
    ]
    let qconv = Node(
      name: "q", op: "QLinearConv", inputs: ["x", "xs", "xz", "w", "ws", "wz", "ys", "yz"], outputs: ["y"])
    #expect(ModelStatistics.multiplyAccumulates(of: qconv, infos: infos) == 100 * 27)
    let qmatmul = Node(
      name: "m", op: "QLinearMatMul", inputs: ["a", "as", "az", "b", "bs", "bz", "ps", "pz"], outputs: ["p"])
    #expect(ModelStatistics.multiplyAccumulates(of: qmatmul, infos: infos) == 77 * 9)
    let qgemm = Node(
      name: "g", op: "QGemm", inputs: ["a", "as", "az", "b", "bs", "bz", "", "ps", "pz"], outputs: ["p"])
    #expect(ModelStatistics.multiplyAccumulates(of: qgemm, infos: infos) == 77 * 9)
    var transposed = qgemm
    transposed.attributes["transA"] = .int(1)  // a is then [K, M] = [7, 9]
    #expect(ModelStatistics.multiplyAccumulates(of: transposed, infos: infos) == 77 * 7)
    let hostile = Node(name: "h", op: "MatMul", inputs: ["huge", "b"], outputs: ["huge"])
    #expect(ModelStatistics.multiplyAccumulates(of: hostile, infos: infos) == .max)
    let unknownWeight = Node(name: "c", op: "Conv", inputs: ["x"], outputs: ["y"])
    #expect(ModelStatistics.multiplyAccumulates(of: unknownWeight, infos: infos) == 0)
  }
}
