import Foundation
import Testing

@testable import Engine

/// The int8 matrix products against ONNX Runtime on a small fully-connected model
/// (scripts/make-qmatmul-model.py: Flatten -> Gemm -> Relu -> MatMul -> Gemm, quantized by
/// onnxruntime's quantize_static in QDQ form): the QDQ fusion must turn both Gemms into QGemm and
/// the MatMul into QLinearMatMul, and the outputs must be within one quantization step of ONNX
/// Runtime's (all optimizations, so its own QGemm/QLinearMatMul) on at least 99.9% of elements.
@Suite struct QuantizedMatMulParityTests {
  static let script = ONNXConformanceTests.repositoryRoot.appendingPathComponent(
    "scripts/make-qmatmul-model.py")

  @Test func int8FullyConnectedModelMatchesONNXRuntimeWithinOneStep() throws {
    let directory = try PythonONNX.temporaryDirectory("qmatmul")
    defer { try? FileManager.default.removeItem(at: directory) }
    let answer = try ONNXConformanceTests.runProcess(PythonONNX.python, [Self.script.path, directory.path])
    try #require(
      answer.status == 0,
      "scripts/make-qmatmul-model.py failed (it needs /opt/hiyari-venv with onnx and onnxruntime): \(answer.output)"
    )
    print("qmatmul parity: \(answer.output.split(separator: "\n").last ?? "")")

    let graph = try importONNX(path: directory.appendingPathComponent("int8.onnx").path)
    var counts: [String: Int] = [:]
    for node in graph.nodes { counts[node.op, default: 0] += 1 }
    print("qmatmul parity: operators after import: \(counts.sorted { $0.key < $1.key })")
    #expect(counts["QGemm"] == 2, "both QDQ Gemms become QGemm")
    #expect(counts["QLinearMatMul"] == 1, "the QDQ MatMul becomes QLinearMatMul")
    #expect(counts["Gemm"] == nil && counts["MatMul"] == nil, "no matrix product left in float")

    let model = try CompiledModel(graph: graph)
    let step = try #require(DetectorParityTests.outputStep(graph, "y"), "output y is not dequantized")
    var total = [Int](repeating: 0, count: 8)
    for sample in 0..<3 {
      let input = try DetectorFixture.floats(
        directory.appendingPathComponent("input-\(sample).npy"), shape: [64, 3, 4, 4])
      let reference = try DetectorFixture.floats(
        directory.appendingPathComponent("reference-\(sample).npy"), shape: [64, 13])
      let ours = try #require(try model.run(["x": input])["y"])
      #expect(ours.shape == [64, 13])
      let steps = DetectorParityTests.stepDifferences(ours, reference, step: step)
      for (bin, count) in steps.enumerated() { total[bin] += count }
    }
    let elements = total.reduce(0, +)
    let histogram = total.enumerated().filter { $0.element > 0 }.map { "\($0.offset): \($0.element)" }
    print("qmatmul parity: elements by steps off ONNX Runtime [\(histogram.joined(separator: ", "))]")
    #expect(elements == 3 * 64 * 13)
    let withinOne = Double(total[0] + total[1]) / Double(elements)
    #expect(withinOne >= 0.999, "\(withinOne * 100)% within one step: [\(histogram.joined(separator: ", "))]")
    #expect(total[0] > elements / 2, "most elements must match exactly: \(histogram)")
  }
}
