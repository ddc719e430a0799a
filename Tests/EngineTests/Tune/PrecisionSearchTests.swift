import Foundation
import Testing

@testable import Engine

/// `PrecisionSearch` on made-up timings and an accuracy oracle whose answers are known: each
/// int8 node adds a fixed noise power, and the model's SNR is 10·log10(1 / total noise), as
/// independent quantization noises add.
@Suite struct PrecisionSearchTests {
  /// An oracle over `noise` (node -> noise power in int8) that counts its calls.
  final class NoiseOracle {
    let noise: [String: Double]
    private(set) var calls: [Set<String>] = []
    init(_ noise: [String: Double]) { self.noise = noise }

    func snr(_ floatNodes: Set<String>) -> Double {
      calls.append(floatNodes)
      let total = noise.filter { !floatNodes.contains($0.key) }.values.reduce(0, +)
      return total > 0 ? 10 * log10(1 / total) : OutputAccuracy.maximumSNR
    }
  }

  static func timing(_ node: String, fp32: Double, int8: Double) -> NodeTiming {
    NodeTiming(node: node, fp32Nanoseconds: fp32, int8Nanoseconds: int8)
  }

  @Test func aNodeSlowerInInt8StaysFP32AndTheRestGoInt8() throws {
    let timings = [
      Self.timing("stem", fp32: 900, int8: 200), Self.timing("depthwise", fp32: 100, int8: 150),
      Self.timing("pointwise", fp32: 800, int8: 300), Self.timing("equal", fp32: 50, int8: 50),
    ]
    let oracle = NoiseOracle(["stem": 1e-4, "depthwise": 1e-4, "pointwise": 1e-4, "equal": 1e-4])
    let plan = PrecisionSearch.choose(timings, minimumAccuracy: 30, accuracy: oracle.snr)
    // int8 not faster (slower, or no gain) -> fp32: float costs no accuracy.
    #expect(plan.floatNodes == ["depthwise", "equal"])
    #expect(plan.reasons["depthwise"] == .int8NotFaster && plan.reasons["equal"] == .int8NotFaster)
    #expect(plan.reasons["stem"] == .int8Faster && plan.precision(of: "pointwise") == .int8)
    // Two int8 nodes of 1e-4 each: 10·log10(1 / 2e-4) = 36.99 dB, above the budget: one call.
    #expect(abs(plan.accuracy - 36.99) < 0.01 && plan.meetsBudget)
    #expect(oracle.calls == [["depthwise", "equal"]], "the budget was met at once; nothing ranked")
    #expect(plan.int8AloneAccuracy.isEmpty)
  }

  @Test func conversionsCanMakeFP32TheCheaperChoice() {
    // The kernel is faster in int8, but running it in fp32 needs no conversions here while
    // int8 needs its graph input quantized and its graph output dequantized.
    let timings = [
      NodeTiming(
        node: "head", fp32Nanoseconds: 100, int8Nanoseconds: 60, fp32ConversionNanoseconds: 0,
        int8ConversionNanoseconds: 50),
      NodeTiming(
        node: "body", fp32Nanoseconds: 100, int8Nanoseconds: 60, fp32ConversionNanoseconds: 30,
        int8ConversionNanoseconds: 0),
    ]
    let plan = PrecisionSearch.choose(timings, minimumAccuracy: 0, accuracy: NoiseOracle([:]).snr)
    #expect(plan.floatNodes == ["head"])
    #expect(timings[0].int8Saving == -10 && timings[1].int8Saving == 70)
  }

  @Test func theBudgetForcesTheLeastAccurateNodesToFP32First() throws {
    let timings =
      ["a", "b", "c", "d", "e"].map { Self.timing($0, fp32: 1000, int8: 100) }
      + [Self.timing("slowInInt8", fp32: 100, int8: 400)]
    // All int8: 1e-3 + 4e-3 + 1e-4 + 2e-3 + 1e-4 (+ slowInInt8, fp32 already) = 7.2e-3, 21.4 dB.
    let oracle = NoiseOracle([
      "a": 1e-3, "b": 4e-3, "c": 1e-4, "d": 2e-3, "e": 1e-4, "slowInInt8": 5e-2,
    ])
    let plan = PrecisionSearch.choose(timings, minimumAccuracy: 27, accuracy: oracle.snr)
    // b (4e-3) goes first: 3.2e-3, 24.9 dB; then d (2e-3): 1.2e-3, 29.2 dB, within budget.
    #expect(plan.floatNodes == ["slowInInt8", "b", "d"])
    #expect(plan.reasons["b"] == .accuracy && plan.reasons["d"] == .accuracy)
    #expect(plan.reasons["slowInInt8"] == .int8NotFaster)
    #expect(plan.reasons["a"] == .int8Faster && plan.reasons["c"] == .int8Faster)
    #expect(abs(plan.accuracy - 10 * log10(1 / 1.2e-3)) < 1e-9 && plan.meetsBudget)
    // Ranked by the SNR with the node alone in int8: b is the worst, c and e the best.
    #expect(abs(plan.int8AloneAccuracy["b"]! - 10 * log10(1 / 4e-3)) < 1e-9)
    #expect(Set(plan.int8AloneAccuracy.keys) == ["a", "b", "c", "d", "e"])
    // Calls: the speed step, five rankings, two flips.
    #expect(oracle.calls.count == 1 + 5 + 2)
  }

  @Test func equallyHarmfulNodesGiveUpTheSmallestSavingFirst() {
    let timings = [
      Self.timing("big", fp32: 5000, int8: 1000), Self.timing("small", fp32: 1100, int8: 1000),
    ]
    let oracle = NoiseOracle(["big": 1e-3, "small": 1e-3])
    // Either flip alone reaches 30 dB; the one saving 100 ns goes, not the one saving 4000 ns.
    let plan = PrecisionSearch.choose(timings, minimumAccuracy: 29.9, accuracy: oracle.snr)
    #expect(plan.floatNodes == ["small"])
  }

  @Test func anUnreachableBudgetEndsAllFP32AndSaysSo() {
    let timings = ["a", "b"].map { Self.timing($0, fp32: 10, int8: 1) }
    let plan = PrecisionSearch.choose(
      timings, minimumAccuracy: OutputAccuracy.maximumSNR + 1, accuracy: NoiseOracle(["a": 1, "b": 1]).snr)
    #expect(plan.floatNodes == ["a", "b"])
    #expect(!plan.meetsBudget)
  }

  @Test func oracleErrorsPropagate() {
    struct Broken: Error {}
    #expect(throws: Broken.self) {
      try PrecisionSearch.choose([Self.timing("a", fp32: 2, int8: 1)], minimumAccuracy: 1) {
        (_: Set<String>) throws(Broken) -> Double in throw Broken()
      }
    }
  }
}
