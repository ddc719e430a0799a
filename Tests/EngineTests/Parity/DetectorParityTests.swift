import Foundation
import Testing

@testable import Engine

/// Whole-model parity with ONNX Runtime on the detector-like model (scripts/make-detector-model.py):
/// the float model within a relative error of 1e-4, the int8 QDQ models (as onnxruntime's quantizer
/// writes them) within one quantization step of ONNX Runtime's own int8 outputs on at least 99.9%
/// of elements.
@Suite struct DetectorParityTests {
  @Test func floatModelMatchesONNXRuntime() throws {
    let fixture = try DetectorFixture.load()
    let graph = try importONNX(path: fixture.modelPath("fp32"))
    let model = try CompiledModel(graph: graph)
    for sample in 0..<fixture.manifest.samples {
      let outputs = try model.run([fixture.manifest.input.name: fixture.input(sample)])
      for name in fixture.manifest.outputs.keys.sorted() {
        let reference = try fixture.reference("fp32", sample: sample, output: name)
        let ours = try #require(outputs[name])
        let error = Self.relativeError(ours, reference)
        #expect(error < 1e-4, "sample \(sample) output \(name): relative error \(error)")
      }
    }
  }

  @Test(arguments: ["u8s8", "s8s8"])
  func int8ModelMatchesONNXRuntimeWithinOneStep(variant: String) throws {
    let fixture = try DetectorFixture.load()
    let graph = try importONNX(path: fixture.modelPath(variant))
    let convolutions = graph.nodes.filter { $0.op == "QLinearConv" }.count
    #expect(convolutions == 21, "the QDQ convolutions become int8 kernels; found \(convolutions) QLinearConv")
    let floatConvolutions = graph.nodes.filter { $0.op == "Conv" }.map(\.name)
    #expect(floatConvolutions.isEmpty, "convolutions left in float: \(floatConvolutions)")
    var counts: [String: Int] = [:]
    for node in graph.nodes { counts[node.op, default: 0] += 1 }
    print("parity \(variant) operators after import: \(counts.sorted { $0.key < $1.key })")
    #expect(counts["QLinearAdd"] == 5, "the residual adds run as QLinearAdd")
    #expect(counts["Conv"] == nil && counts["Add"] == nil)
    let model = try CompiledModel(graph: graph)
    // All 21 convolutions pack their inputs into one shared workspace, left dirty by each other.
    #expect(model.workspaceBytes > 0)
    for sample in 0..<fixture.manifest.samples {
      let outputs = try model.run([fixture.manifest.input.name: fixture.input(sample)])
      for name in fixture.manifest.outputs.keys.sorted() {
        let reference = try fixture.reference(variant, sample: sample, output: name)
        let ours = try #require(outputs[name])
        let step = try #require(Self.outputStep(graph, name), "output \(name) is not dequantized")
        let steps = Self.stepDifferences(ours, reference, step: step)
        let total = steps.reduce(0, +)
        let withinOne = steps.prefix(2).reduce(0, +)
        let fraction = Double(withinOne) / Double(total)
        let histogram = steps.enumerated().filter { $0.element > 0 }.map { "\($0.offset): \($0.element)" }
        print(
          "parity \(variant) sample \(sample) \(name): elements by steps off ONNX Runtime [\(histogram.joined(separator: ", "))]"
        )
        #expect(
          fraction >= 0.999,
          "\(variant) sample \(sample) output \(name): \(fraction * 100)% within one step; steps off: [\(histogram.joined(separator: ", "))]"
        )
        #expect(steps[0] > total / 2, "most elements must match exactly: \(histogram)")
      }
    }
  }

  /// The scale of the DequantizeLinear that produces a graph output.
  static func outputStep(_ graph: Graph, _ name: String) -> Float? {
    guard let node = graph.nodes.first(where: { $0.outputs.contains(name) }), node.op == "DequantizeLinear",
      let scale = ConstantLookup(graph.constants).floats(node.inputs[1]), scale.count == 1
    else { return nil }
    return scale[0]
  }

  /// How many elements differ by 0, 1, 2, ... steps (the last bin holds everything further).
  static func stepDifferences(_ a: Tensor, _ b: Tensor, step: Float) -> [Int] {
    var bins = [Int](repeating: 0, count: 8)
    a.withElements(as: Float.self) { x in
      b.withElements(as: Float.self) { y in
        for i in 0..<min(x.count, y.count) {
          let steps = Int((abs(x[i] - y[i]) / step).rounded())
          bins[min(steps, bins.count - 1)] += 1
        }
      }
    }
    return bins
  }

  /// ||a - b|| / ||b||.
  static func relativeError(_ a: Tensor, _ b: Tensor) -> Double {
    guard a.shape == b.shape else { return .infinity }
    return a.withElements(as: Float.self) { x in
      b.withElements(as: Float.self) { y in
        var difference = 0.0
        var norm = 0.0
        for i in 0..<x.count {
          difference += Double(x[i] - y[i]) * Double(x[i] - y[i])
          norm += Double(y[i]) * Double(y[i])
        }
        return (difference / max(norm, 1e-30)).squareRoot()
      }
    }
  }
}
