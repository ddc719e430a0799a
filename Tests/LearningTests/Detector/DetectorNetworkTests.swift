import Engine
import Testing

@testable import Learning

@Suite struct DetectorNetworkTests {
  @Test func exportMatchesEvaluationForwardWithMetadata() throws {
    var configuration = DetectorConfiguration(inputWidth: 96, inputHeight: 64, width: 0.25)
    configuration.levelLimits = [32, .infinity]
    let network = DetectorNetwork(configuration: configuration, seed: 3)
    var generator = SeededGenerator(seed: 4)
    // Batch statistics that are not the identity, so that folding has something to fold.
    for _ in 0..<2 {
      _ = network(
        Variable(shape: [2, 3, 64, 96], value: (0..<36864).map { _ in generator.uniform() }), training: true)
    }
    let image = Variable(shape: [1, 3, 64, 96], value: (0..<18432).map { _ in generator.uniform() })
    let expected = network(image, training: false)
    let graph = try network.exportGraph()
    #expect(graph.metadata["detector.format"] == "hiyari-fcos")
    #expect(graph.metadata["detector.classes"] == "vehicle-large,vehicle-small,two-wheeler,pedestrian")
    #expect(graph.metadata["detector.strides"] == "8,16")
    #expect(graph.metadata["detector.input"] == "96x64")
    #expect(graph.outputs == ["output_stride8", "output_stride16"])
    let outputs = try CompiledModel(graph: graph).run(["images": try image.tensor()])
    for (level, stride) in [8, 16].enumerated() {
      let output = outputs["output_stride\(stride)"]!
      #expect(output.shape == [1, 8, 64 / stride, 96 / stride])
      let runtime = output.withElements(as: Float.self) { Array($0) }
      let reference = Variable.concatenatingChannels([expected[level].classes, expected[level].boxes]).value
      let scale = reference.map { Swift.abs($0) }.max()!
      let worst = zip(runtime, reference).map { Swift.abs($0 - $1) }.max()!
      #expect(worst / scale < 1e-4, "stride \(stride): relative error \(worst / scale)")
      // Distances (channels 4...7) are non-negative.
      #expect(runtime[(4 * runtime.count / 8)...].allSatisfy { $0 >= 0 })
    }
  }

  @Test func sameSeedSameWeights() {
    let configuration = DetectorConfiguration(width: 0.25)
    let a = DetectorNetwork(configuration: configuration, seed: 9).parameters
    let b = DetectorNetwork(configuration: configuration, seed: 9).parameters
    let c = DetectorNetwork(configuration: configuration, seed: 10).parameters
    #expect(zip(a, b).allSatisfy { $0.variable.value == $1.variable.value })
    #expect(zip(a, c).contains { $0.variable.value != $1.variable.value })
    #expect(Set(a.map(\.name)).count == a.count, "parameter names are unique")
  }
}
