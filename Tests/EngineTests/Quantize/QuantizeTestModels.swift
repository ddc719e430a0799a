@testable import Engine

/// Small float graphs for the quantizer tests, built directly (no ONNX file), with weights from a
/// fixed seed so every run quantizes the same model.
enum QuantizeTestModels {
  static func constant(_ values: [Float], _ shape: [Int]) -> Tensor { OperatorHarness.floats(values, shape) }

  static func random(_ shape: [Int], _ random: inout SeededRandom, in range: ClosedRange<Float>) -> Tensor {
    constant(random.floats(shape.reduce(1, *), in: range), shape)
  }

  static let inputShape = [1, 3, 8, 8]

  /// x[1,3,8,8] -> Conv c1 (3x3, pad 1) -> Relu -> MaxPool 2x2 -> p1 -> Conv c2 -> Clip(0, 6) ->
  /// a2; Concat(p1, a2) -> GlobalAveragePool -> Flatten -> Gemm -> y[1,5]; also p1 as an output
  /// path through Conv c3 -> z (a conv output that is a graph output).
  static func convNet(seed: UInt64 = 7) -> Graph {
    var random = SeededRandom(seed)
    let constants: [String: Tensor] = [
      "W1": Self.random([4, 3, 3, 3], &random, in: -0.5...0.5),
      "B1": Self.random([4], &random, in: -0.2...0.2),
      "W2": Self.random([6, 4, 3, 3], &random, in: -0.4...0.4),
      "B2": Self.random([6], &random, in: -0.1...0.3),
      "W3": Self.random([10, 5], &random, in: -1...1),
      "B3": Self.random([5], &random, in: -0.5...0.5),
      "W4": Self.random([2, 4, 1, 1], &random, in: -1...1),
      "zero": constant([0], []),
      "six": constant([6], []),
    ]
    let conv: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]
    let nodes = [
      Node(name: "c1", op: "Conv", inputs: ["x", "W1", "B1"], outputs: ["y1"], attributes: conv),
      Node(name: "r1", op: "Relu", inputs: ["y1"], outputs: ["a1"]),
      Node(
        name: "mp", op: "MaxPool", inputs: ["a1"], outputs: ["p1"],
        attributes: ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
      Node(name: "c2", op: "Conv", inputs: ["p1", "W2", "B2"], outputs: ["y2"], attributes: conv),
      Node(name: "clip", op: "Clip", inputs: ["y2", "zero", "six"], outputs: ["a2"]),
      Node(name: "cat", op: "Concat", inputs: ["p1", "a2"], outputs: ["c"], attributes: ["axis": .int(1)]),
      Node(name: "gap", op: "GlobalAveragePool", inputs: ["c"], outputs: ["g"]),
      Node(name: "flat", op: "Flatten", inputs: ["g"], outputs: ["f"]),
      Node(name: "fc", op: "Gemm", inputs: ["f", "W3", "B3"], outputs: ["y"]),
      Node(
        name: "c3", op: "Conv", inputs: ["p1", "W4"], outputs: ["z"],
        attributes: ["kernel_shape": .ints([1, 1])]),
    ]
    return Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: inputShape)], outputs: ["y", "z"],
      nodes: nodes, constants: constants)
  }

  /// `count` inputs for `convNet`, values in [-1, 1].
  static func samples(_ count: Int, seed: UInt64 = 11) -> [[String: Tensor]] {
    var generator = SeededRandom(seed)
    return (0..<count).map { _ in ["x": random(inputShape, &generator, in: -1...1)] }
  }

  static func node(_ graph: Graph, named name: String) -> Node? { graph.nodes.first { $0.name == name } }

  static func scalar(_ graph: Graph, _ name: String) -> Float? {
    graph.constants[name].map { OperatorHarness.values($0)[0] }
  }

  static func zeroPoint(_ graph: Graph, _ name: String) -> Int? {
    graph.constants[name].map { OperatorHarness.intValues($0)[0] }
  }
}
