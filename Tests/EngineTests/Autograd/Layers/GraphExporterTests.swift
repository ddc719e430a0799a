import Testing

@testable import Engine

@Suite struct GraphExporterTests {
  static func relativeError(_ a: [Float], _ b: [Float]) -> Float {
    let scale = Swift.max(b.map { Swift.abs($0) }.max() ?? 0, 1e-12)
    return (zip(a, b).map { Swift.abs($0 - $1) }.max() ?? 0) / scale
  }

  /// A network whose batch-norm statistics and affine parameters are not the identity.
  static func trainedNetwork(_ shape: [Int]) -> TinyNetwork {
    let network = TinyNetwork(seed: 21)
    var generator = SeededGenerator(seed: 22)
    for _ in 0..<3 {
      let x = GradientCheck.randomVariable(shape, &generator)
      x.value = x.value.map { $0 * 0.5 + 0.4 }
      _ = network(x, training: true)
    }
    for (_, layer) in network.normalizations {
      layer.scale.value = layer.scale.value.map { _ in generator.uniform(0.5, 1.5) }
      layer.shift.value = layer.shift.value.map { _ in generator.uniform(-0.2, 0.4) }
    }
    return network
  }

  @Test func exportedGraphMatchesEvaluationForward() throws {
    let shape = [2, 3, 12, 20]
    let network = Self.trainedNetwork(shape)
    var generator = SeededGenerator(seed: 23)
    let x = Variable(shape: shape, value: (0..<shape.reduce(1, *)).map { _ in generator.uniform() })
    let (head, average) = network(x, training: false)
    let graph = try network.export(inputShape: shape)
    #expect(
      graph.nodes.contains { $0.op == "Clip" } && !graph.nodes.contains { $0.op == "BatchNormalization" })
    let model = try CompiledModel(graph: graph)
    let outputs = try model.run(["images": try x.tensor()])
    let runtimeHead = outputs[graph.outputs[0]]!.withElements(as: Float.self) { Array($0) }
    let runtimeAverage = outputs[graph.outputs[1]]!.withElements(as: Float.self) { Array($0) }
    #expect(outputs[graph.outputs[0]]!.shape == head.shape)
    #expect(Self.relativeError(runtimeHead, head.value) < 1e-4)
    #expect(Self.relativeError(runtimeAverage, average.value) < 1e-4)
  }

  @Test func exportedGraphQuantizesToInt8() throws {
    let shape = [1, 3, 12, 20]
    let network = Self.trainedNetwork([2, 3, 12, 20])
    let graph = try network.export(inputShape: shape)
    var generator = SeededGenerator(seed: 24)
    let samples = try (0..<4).map { _ in
      ["images": try Variable(shape: shape, value: (0..<720).map { _ in generator.uniform() }).tensor()]
    }
    let quantizer = PostTrainingQuantizer()
    let table = try quantizer.calibrate(graph: graph, samples: samples)
    let quantized = try quantizer.quantize(graph: graph, table: table)
    #expect(quantized.nodes.contains { $0.op == "QuantizeLinear" || $0.op.hasPrefix("QLinear") })
    let floatOutput = try CompiledModel(graph: graph).run(samples[0])[graph.outputs[0]]!
    let intOutput = try CompiledModel(graph: quantized).run(samples[0])[graph.outputs[0]]!
    let a = floatOutput.withElements(as: Float.self) { Array($0) }
    let b = intOutput.withElements(as: Float.self) { Array($0) }
    #expect(Self.relativeError(b, a) < 0.1, "int8 output drifts \(Self.relativeError(b, a)) from float")
  }
}
