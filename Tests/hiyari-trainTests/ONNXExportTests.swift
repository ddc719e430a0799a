import Engine
import Foundation
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

  /// ONNX Runtime, the reference, runs the exported file and gets Hiyari's outputs. Needs the
  /// project's Python environment (scripts/python-env; CI makes it) and fails loudly without.
  @Test func onnxRuntimeRunsTheExportedFileToTheSameOutputs() throws {
    let python = ProcessInfo.processInfo.environment["HIYARI_PYTHON"] ?? "/opt/hiyari-venv/bin/python"
    try #require(
      FileManager.default.isExecutableFile(atPath: python),
      "no \(python): run scripts/python-env (a venv with onnx and onnxruntime)")
    let network = DetectorNetwork(configuration: DetectorConfiguration(width: 0.25), seed: 5)
    let graph = try network.exportGraph()
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hiyari-onnx-export-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let modelPath = folder.appendingPathComponent("detector.onnx").path
    try Data(try ONNXExport.model(graph).serializedBytes()).write(to: URL(fileURLWithPath: modelPath))
    let input = try Tensor(shape: graph.inputs[0].shape, elementType: .float32)
    var generator = SeededGenerator(seed: 9)
    input.withMutableElements(as: Float.self) { values in
      for i in values.indices { values[i] = generator.uniform() }
    }
    try NumPyArray(input).write(to: folder.appendingPathComponent("input.npy").path)

    let script = """
      import sys, numpy as np, onnxruntime as ort
      folder = sys.argv[1]
      session = ort.InferenceSession(folder + "/detector.onnx", providers=["CPUExecutionProvider"])
      outputs = session.run(None, {session.get_inputs()[0].name: np.load(folder + "/input.npy")})
      for meta, value in zip(session.get_outputs(), outputs):
          np.save(folder + "/ort-" + meta.name + ".npy", value.astype(np.float32))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script, folder.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    try #require(process.terminationStatus == 0, "onnxruntime failed: \(log)")

    let ours = try CompiledModel(graph: graph, threadCount: 1).run(["images": input])
    for name in graph.outputs {
      let reference = try NumPyArray(contentsOf: folder.appendingPathComponent("ort-\(name).npy").path)
        .tensor()
      let expected = reference.withElements(as: Float.self) { Array($0) }
      let actual = try #require(ours[name]).withElements(as: Float.self) { Array($0) }
      #expect(reference.shape == (try #require(ours[name])).shape)
      #expect(expected.count == actual.count && expected.count > 0)
      let scale = expected.map(abs).max() ?? 0
      let largest = zip(expected, actual).map { abs($0 - $1) }.max() ?? .infinity
      #expect(largest <= 1e-4 * max(1, scale), "output \(name) differs from ONNX Runtime by \(largest)")
    }
  }
}
