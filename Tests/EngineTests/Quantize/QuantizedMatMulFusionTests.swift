import Testing

@testable import Engine

/// `fuseQuantizedOperators` on the matrix products this engine's quantizer writes: QDQ Gemm
/// becomes QGemm, QDQ MatMul QLinearMatMul, and the fused graph computes what the QDQ graph
/// computes in float within one output step; a Gemm with alpha != 1 stays as it was.
@Suite struct QuantizedMatMulFusionTests {
  typealias M = QuantizeTestModels

  /// x[16, 48] -> Gemm fc1 (transB 1, bias) -> Relu -> MatMul mm (per-column int8 weights) ->
  /// Gemm fc3 (transB 0, bias, alpha `alpha`) -> y[16, 10].
  static func fullyConnected(alpha: Float = 1) -> Graph {
    var random = SeededRandom(21)
    let constants: [String: Tensor] = [
      "W1": M.random([32, 48], &random, in: -0.3...0.3), "B1": M.random([32], &random, in: -0.2...0.2),
      "W2": M.random([32, 24], &random, in: -0.3...0.3),
      "W3": M.random([24, 10], &random, in: -0.4...0.4), "B3": M.random([10], &random, in: -0.2...0.2),
    ]
    let nodes = [
      Node(
        name: "fc1", op: "Gemm", inputs: ["x", "W1", "B1"], outputs: ["g1"], attributes: ["transB": .int(1)]),
      Node(name: "relu", op: "Relu", inputs: ["g1"], outputs: ["r1"]),
      Node(name: "mm", op: "MatMul", inputs: ["r1", "W2"], outputs: ["m2"]),
      Node(
        name: "fc3", op: "Gemm", inputs: ["m2", "W3", "B3"], outputs: ["y"],
        attributes: ["alpha": .float(alpha)]),
    ]
    return Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: [16, 48])], outputs: ["y"], nodes: nodes,
      constants: constants)
  }

  static func samples(_ count: Int, seed: UInt64) -> [[String: Tensor]] {
    var generator = SeededRandom(seed)
    return (0..<count).map { _ in ["x": M.random([16, 48], &generator, in: -1...1)] }
  }

  static func quantized(_ graph: Graph) throws -> Graph {
    let quantizer = PostTrainingQuantizer()
    return try quantizer.quantize(
      graph: graph, table: quantizer.calibrate(graph: graph, samples: samples(4, seed: 3)))
  }

  @Test func gemmAndMatMulBecomeInt8KernelsThatMatchTheQDQGraph() throws {
    let qdq = try Self.quantized(Self.fullyConnected())
    let fused = try fuseQuantizedOperators(qdq)
    #expect(fused.nodes.filter { $0.op == "QGemm" }.map(\.name).sorted() == ["fc1", "fc3"])
    #expect(fused.nodes.filter { $0.op == "QLinearMatMul" }.map(\.name) == ["mm"])
    #expect(!fused.nodes.contains { $0.op == "Gemm" || $0.op == "MatMul" })
    let step = try #require(DetectorParityTests.outputStep(fused, "y"))
    let int8 = try CompiledModel(graph: fused), float = try CompiledModel(graph: qdq)
    var total = [Int](repeating: 0, count: 8)
    for sample in Self.samples(3, seed: 9) {
      let steps = DetectorParityTests.stepDifferences(
        try #require(try int8.run(sample)["y"]), try #require(try float.run(sample)["y"]), step: step)
      for (bin, count) in steps.enumerated() { total[bin] += count }
    }
    let elements = total.reduce(0, +)
    print("fused int8 fully-connected model vs its QDQ graph, elements by steps off: \(total)")
    #expect(elements == 3 * 16 * 10)
    // Each layer differs from its float QDQ form only at rounding ties; a tie flipped early can
    // move a later code by one.
    #expect(Double(total[0] + total[1]) >= 0.999 * Double(elements), "steps off the QDQ graph: \(total)")
    #expect(total[0] >= elements * 9 / 10, "almost every element is exact: \(total)")
  }

  @Test func aGemmWithAlphaStaysInItsQDQForm() throws {
    let fused = try fuseQuantizedOperators(try Self.quantized(Self.fullyConnected(alpha: 0.5)))
    #expect(fused.nodes.first { $0.name == "fc3" }?.op == "Gemm")
    #expect(fused.nodes.first { $0.name == "fc1" }?.op == "QGemm")
  }
}
