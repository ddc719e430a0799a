import Foundation
import Testing

@testable import Engine

/// The tuner end to end on the quantizer tests' small conv net (three Convs, a Relu, a Clip,
/// pooling, a concat and a Gemm). Timings decide the choice, so the checks are what must hold
/// whatever this machine measures: the kept graph is what the profile says, and it meets the
/// budget.
@Suite struct PrecisionTunerTests {
  typealias M = QuantizeTestModels

  static let options = PrecisionTuner.Options(runs: 5, warmup: 1)

  /// Checks that `result.graph` runs the precision the profile gives each node and keeps
  /// `budget`, measured again here on `samples`.
  static func checkKeptGraph(
    _ result: TuningResult, float: Graph, samples: [[String: Tensor]], budget: Double
  )
    throws
  {
    let ops = Dictionary(uniqueKeysWithValues: result.graph.nodes.map { ($0.name, $0.op) })
    for node in result.profile.nodes {
      #expect(ops[node.node] == (node.precision == .int8 ? "QLinearConv" : "Conv"), "\(node.node)")
    }
    let report = try PostTrainingQuantizer().evaluate(float: float, quantized: result.graph, samples: samples)
    #expect(report.worstSNRDecibels >= budget, "\(result.profile)\n\(report)")
    #expect(abs(report.worstSNRDecibels - result.profile.selected.snrDecibels) < 1e-6)
    #expect(result.graph.metadata["precision_tuning"]?.contains(result.profile.selection.rawValue) == true)
  }

  @Test func aBudgetAboveAllInt8KeepsSomeConvolutionsInFloat() throws {
    let float = M.convNet()
    let samples = M.samples(8)
    var options = Self.options
    // All-int8 measures 43.6 dB on this net (EndToEndQuantizationTests): 50 dB is out of its
    // reach, but not of a mix with the most harmful convolutions in float.
    options.minimumSNRDecibels = 50
    let result = try PrecisionTuner(options: options).tune(float: float, samples: samples)
    let profile = result.profile
    print(profile)
    #expect(profile.nodes.map(\.node) == ["c1", "c2", "c3"])
    #expect(profile.int8.snrDecibels < 50 && profile.int8.floatNodes == 0)
    #expect(profile.fp32.snrDecibels > 100 && profile.fp32.floatNodes == 3)
    #expect(profile.mix.snrDecibels >= 50)
    #expect(profile.selection != .allInt8, "all-int8 is outside the budget")
    #expect(profile.nodes.contains { $0.precision == .fp32 })
    #expect(profile.nodes.allSatisfy { $0.fp32Milliseconds > 0 && $0.int8Milliseconds > 0 })
    // Every node still int8 after the speed step was ranked by its accuracy alone.
    let ranked = profile.nodes.filter { $0.reason != .int8NotFaster && $0.reason != .wholeModel }
    #expect(ranked.allSatisfy { $0.int8AloneSNRDecibels != nil })
    #expect(profile.model == (try ModelBundle.identifier(of: float)))
    #expect(profile.threads == 1 && profile.runs == 5 && profile.calibrationSamples == 8)
    #expect(profile.machine == MachineDescription.current())
    try Self.checkKeptGraph(result, float: float, samples: samples, budget: 50)
    let decoded = try JSONDecoder().decode(TuningProfile.self, from: JSONEncoder().encode(profile))
    #expect(decoded == profile)
  }

  @Test func theBudgetFlipsTheLeastAccurateConvolutionOnly() throws {
    let float = M.convNet()
    let samples = M.samples(8)
    var options = Self.options
    // All-int8: z (from c3 alone) 43.9 dB, y (c1, c2) 45.2 dB. At 44.5 dB c3, whose int8
    // version alone costs the most, goes float and y then meets the budget with c1 and c2 int8.
    options.minimumSNRDecibels = 44.5
    let result = try PrecisionTuner(options: options).tune(float: float, samples: samples)
    print(result.profile)
    let reasons = Dictionary(uniqueKeysWithValues: result.profile.nodes.map { ($0.node, $0.reason) })
    #expect(reasons["c3"] == .accuracy, "\(result.profile)")
    #expect(reasons["c1"] != .accuracy && reasons["c2"] != .accuracy, "\(result.profile)")
    #expect(result.profile.mix.snrDecibels >= 44.5 && result.profile.mix.snrDecibels < 100)
    try Self.checkKeptGraph(result, float: float, samples: samples, budget: 44.5)
  }

  @Test func aLooseBudgetKeepsInt8WhereverItIsFaster() throws {
    let float = M.convNet()
    let samples = M.samples(8)
    var options = Self.options
    options.minimumSNRDecibels = 20
    let result = try PrecisionTuner(options: options).tune(float: float, samples: samples)
    // Within a 20 dB budget only speed decides: no node is float for accuracy.
    #expect(!result.profile.nodes.contains { $0.reason == .accuracy })
    #expect(result.profile.nodes.allSatisfy { $0.int8AloneSNRDecibels == nil }, "nothing ranked")
    try Self.checkKeptGraph(result, float: float, samples: samples, budget: 20)
  }

  @Test func anUnreachableBudgetKeepsTheFloatModel() throws {
    let float = M.convNet()
    var options = Self.options
    options.minimumSNRDecibels = OutputAccuracy.maximumSNR + 1
    let result = try PrecisionTuner(options: options).tune(float: float, samples: M.samples(2))
    #expect(result.profile.selection == .allFP32)
    #expect(result.profile.floatNodes == ["c1", "c2", "c3"])
    #expect(!result.graph.nodes.contains { $0.op.hasPrefix("QLinear") || $0.op.hasSuffix("QuantizeLinear") })
  }

  @Test func refusesNoSamples() {
    #expect(throws: GraphError.self) { try PrecisionTuner().tune(float: M.convNet(), samples: []) }
  }

  /// The non-convolution nodes go float with the convolutions around them, and only then.
  @Test func followersAreTheNodesBetweenFloatConvolutionsOnly() {
    let float = M.convNet()
    let tunable: Set<String> = ["c1", "c2", "c3"]
    // r1, mp, clip, cat, gap, flat and fc are one connected group around all three convs.
    let group: Set<String> = ["r1", "mp", "clip", "cat", "gap", "flat", "fc"]
    #expect(PrecisionTuner.followers(of: float, tunable: tunable, floatNodes: tunable) == group)
    #expect(PrecisionTuner.followers(of: float, tunable: tunable, floatNodes: ["c1", "c2"]).isEmpty)
    #expect(PrecisionTuner.followers(of: float, tunable: tunable, floatNodes: []).isEmpty)
    // With c2 not tunable it joins the group, whose border is then c1 and c3.
    #expect(
      PrecisionTuner.followers(of: float, tunable: ["c1", "c3"], floatNodes: ["c1", "c3"])
        == group.union(["c2"]))
  }

  @Test func selectionPrefersTheFastestWithinBudget() {
    func measured(_ latency: Double, _ snr: Double) -> PrecisionMeasurement {
      PrecisionMeasurement(latencyMilliseconds: latency, snrDecibels: snr, floatNodes: 0)
    }
    let fp32 = measured(10, 200)
    #expect(
      PrecisionTuner.select(fp32: fp32, int8: measured(3, 25), mix: measured(4, 31), minimumSNR: 30) == .tuned
    )
    #expect(
      PrecisionTuner.select(fp32: fp32, int8: measured(3, 32), mix: measured(4, 35), minimumSNR: 30)
        == .allInt8)
    #expect(
      PrecisionTuner.select(
        fp32: measured(2, 200), int8: measured(3, 32), mix: measured(4, 35), minimumSNR: 30) == .allFP32)
    #expect(
      PrecisionTuner.select(fp32: fp32, int8: measured(4, 32), mix: measured(4, 35), minimumSNR: 30)
        == .tuned, "ties keep the mix")
    #expect(
      PrecisionTuner.select(fp32: fp32, int8: measured(3, 25), mix: measured(4, 28), minimumSNR: 30)
        == .allFP32)
  }
}
