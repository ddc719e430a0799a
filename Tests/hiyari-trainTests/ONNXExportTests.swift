import Engine
import Learning
import Testing

@testable import hiyari_train

@Suite struct ONNXExportTests {
  @Test func theDetectorReimportsWithTheSameOutputsAndMetadata() throws {
    let network = DetectorNetwork(configuration: DetectorConfiguration(width: 0.25), seed: 12)
    let graph = try network.exportGraph()
    let bytes = try ONNXExport.model(graph).serializedBytes()
    let imported = try importONNX(bytes: bytes)
    #expect(imported.metadata["detector.format"] == "hiyari-fcos")
    #expect(imported.metadata["detector.classes"] == graph.metadata["detector.classes"])
    #expect(imported.metadata["onnx.opset"] == "13")
    #expect(imported.inputs == graph.inputs && imported.outputs == graph.outputs)

    let input = try Tensor(shape: graph.inputs[0].shape, elementType: .float32)
    var generator = SeededGenerator(seed: 3)
    input.withMutableElements(as: Float.self) { values in
      for i in values.indices { values[i] = generator.uniform() }
    }
    let original = try CompiledModel(graph: graph, threadCount: 1)
    let reimported = try CompiledModel(graph: imported, threadCount: 1)
    let expectedOutputs = try original.run(["images": input])
    let actualOutputs = try reimported.run(["images": input])
    for name in graph.outputs {
      let expected = try #require(expectedOutputs[name]).withElements(as: Float.self) { Array($0) }
      let actual = try #require(actualOutputs[name]).withElements(as: Float.self) { Array($0) }
      #expect(expected.count == actual.count && expected.count > 0)
      let largest = zip(expected, actual).map { abs($0 - $1) }.max() ?? .infinity
      #expect(largest < 1e-4, "output \(name) differs by \(largest)")
    }
  }
}
