import Engine
import Testing

@testable import Offload

@Suite struct SplitBenchmarkTests {
  static let links = ["neurosurgeon-3g", "neurosurgeon-wifi", "5g-floor"].map { LinkProfile.named($0)! }

  static func profile(_ graph: Graph, milliseconds: Double) throws -> DeviceProfile {
    try SplitExecutionTests.profile(
      graph, milliseconds: Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.name, milliseconds) }))
  }

  static func benchmark(candidateLimit: Int = 64) throws -> SplitBenchmark {
    let graph = try TestGraphs.diamond()
    return SplitBenchmark(
      graph: graph, cloud: try profile(graph, milliseconds: 0.2),
      devices: [
        SplitBenchmarkDevice(
          name: "fast", profile: try profile(graph, milliseconds: 1), cpus: 0.8, timeScale: 1.5),
        SplitBenchmarkDevice(
          name: "slow", profile: try profile(graph, milliseconds: 6), cpus: 0.25,
          inputEncodeSeconds: [graph.inputs[0].name: 0.004]),
      ],
      links: links, frames: 15, candidateLimit: candidateLimit)
  }

  @Test func everyCandidateCutIsMeasuredAndTheFiguresFollowFromTheMedians() throws {
    let benchmark = try Self.benchmark()
    // The measured link is twice as fast as the profiles say: the planner's choice is not
    // always the oracle, so the ratio is exercised.
    var measurer = CostModelMeasurer(linkFactor: 0.5)
    let report = try benchmark.run(&measurer)
    #expect(report.cells.count == 2 * Self.links.count)
    #expect(report.cells.map(\.device) == ["fast", "fast", "fast", "slow", "slow", "slow"])
    #expect(report.cells.map(\.link) == Self.links.map(\.name) + Self.links.map(\.name))
    var choiceDiffers = false
    for cell in report.cells {
      let device = benchmark.devices.first { $0.name == cell.device }!
      let link = LinkProfile.named(cell.link)!
      let problem = try PartitionProblem(
        graph: benchmark.graph, device: device.profile, cloud: benchmark.cloud,
        inputEncodeSeconds: device.inputEncodeSeconds)
      let heads = try #require(CutEnumeration.heads(of: problem, limit: 1 << 20))
      #expect(cell.timeScale == device.timeScale)
      // Every valid cut, once, including both single-side ones.
      #expect(cell.cuts.count == heads.count)
      #expect(Set(cell.cuts.map(\.id)).count == heads.count)
      #expect(cell.cuts[cell.deviceOnly].isDeviceOnly && cell.cuts[cell.cloudOnly].isCloudOnly)
      #expect(cell.cuts.first!.isCloudOnly && cell.cuts.last!.isDeviceOnly)
      // The choice is the planner's, the prediction is the planner's price of each cut.
      let planned = try PartitionPlanner().plan(problem, link: link.estimate)
      #expect(cell.cuts[cell.choice].label == planned.label)
      for cut in cell.cuts {
        let head = problem.nodes.map { cut.headNodes.contains($0.name) }
        #expect(
          abs(cut.predictedMilliseconds - problem.evaluate(head: head, link: link.estimate).totalMilliseconds)
            < 1e-9)
      }
      // Medians and p90 from what the measurer returned, recomputed here.
      let calls = measurer.calls.filter { $0.device == cell.device && $0.link == cell.link }
      #expect(calls.map(\.label) == cell.cuts.map(\.label))
      let medians = calls.map { $0.latencies.sorted()[7] }
      let p90s = calls.map { $0.latencies.sorted()[13] }
      #expect(cell.cuts.map(\.measured.medianMilliseconds) == medians)
      #expect(cell.cuts.map(\.measured.p90Milliseconds) == p90s)
      let oracle = medians.indices.min { medians[$0] < medians[$1] }!
      #expect(cell.oracle == oracle)
      #expect(cell.choiceOverOracle == medians[cell.choice] / medians[oracle])
      #expect(cell.choiceOverOracle >= 1)
      #expect(cell.speedUp == min(medians[cell.deviceOnly], medians[cell.cloudOnly]) / medians[cell.choice])
      if cell.choice != cell.oracle { choiceDiffers = true }
    }
    #expect(choiceDiffers, "the slower measured link makes some choice differ from the oracle")
    // Both single-side cuts win somewhere and a split somewhere, so the set is not degenerate.
    let oracles = report.cells.map { $0.cuts[$0.oracle] }
    #expect(oracles.contains { $0.isDeviceOnly })
    #expect(oracles.contains { !$0.isDeviceOnly })
  }

  @Test func tooManyCutsFallBackToPrefixesWithBothSidesAndTheChoice() throws {
    let benchmark = try Self.benchmark(candidateLimit: 4)
    var measurer = CostModelMeasurer()
    let report = try benchmark.run(&measurer)
    for cell in report.cells {
      // 8 nodes: 9 chain prefixes, plus the choice when it is not one of them.
      #expect(cell.cuts.count == 9 || cell.cuts.count == 10)
      #expect(cell.cuts.contains { $0.isDeviceOnly } && cell.cuts.contains { $0.isCloudOnly })
    }
  }

  @Test func aMeasuredLimitKeepsBothSidesTheChoiceAndTheFastestPredicted() throws {
    var benchmark = try Self.benchmark()
    benchmark.measuredLimit = 4
    let device = benchmark.devices[1]
    let problem = try PartitionProblem(graph: benchmark.graph, device: device.profile, cloud: benchmark.cloud)
    for link in Self.links {
      let all = try benchmark.candidates(problem, link: link.estimate)
      var unlimited = benchmark
      unlimited.measuredLimit = nil
      let (plans, choice) = try unlimited.candidates(problem, link: link.estimate)
      #expect(all.plans.count == 4 && plans.count > 4)
      #expect(all.plans.contains { $0.isDeviceOnly } && all.plans.contains { $0.isCloudOnly })
      #expect(all.plans[all.choice].headMask == plans[choice].headMask)
      // The fastest predicted cut of all is kept, whatever its head size.
      let fastest = plans.min { $0.totalMilliseconds < $1.totalMilliseconds }!
      #expect(all.plans.contains { $0.headMask == fastest.headMask })
      // Still ordered by head size.
      let sizes = all.plans.map(\.headNodes.count)
      #expect(sizes == sizes.sorted())
    }
  }

  @Test func aMeasurerReturningTheWrongCountIsAnError() throws {
    let benchmark = try Self.benchmark()
    var measurer = CostModelMeasurer(wrongCount: 16)
    #expect {
      _ = try benchmark.run(&measurer)
    } throws: { ($0 as? OffloadError)?.description.contains("returned 16 latencies for 15 frames") == true }
    var none = CostModelMeasurer(wrongCount: 0)
    #expect {
      _ = try benchmark.run(&none)
    } throws: { ($0 as? OffloadError)?.description.contains("returned 0 latencies for 15 frames") == true }
  }

  @Test func aBoardIsEmulatedWithItsEstimateAndTheMatchingQuota() throws {
    let graph = try TestGraphs.diamond()
    let host = try Self.profile(graph, milliseconds: 1)
    let compute = ComputeDescription(
      cores: 2, clockGHz: 3.5, simdBits: 512, fp32FlopsPerCycle: 32, int8DotProduct: true,
      int8MACsPerCycle: 64)
    let rpi5 = try #require(TargetBoard.named("rpi5"))
    let device = try SplitBenchmarkDevice.emulating(rpi5, measured: host, hostCompute: compute)
    #expect(device.name == "rpi5")
    #expect(device.profile == (try BoardEstimate.derive(from: host, host: compute, board: rpi5)))
    #expect(device.cpus == host.totalMilliseconds / device.profile.totalMilliseconds)
  }

  @Test func cellRequiresBothSingleSideCuts() throws {
    let graph = try TestGraphs.diamond()
    let problem = try PartitionProblem(
      graph: graph, device: try Self.profile(graph, milliseconds: 1),
      cloud: try Self.profile(graph, milliseconds: 1))
    let link = Self.links[0].estimate
    let all = problem.evaluate(head: [Bool](repeating: true, count: 8), link: link)
    let summary = try LatencySummary([1, 2, 3])
    #expect(throws: OffloadError.self) {
      _ = try SplitBenchmarkCell(
        device: "d", link: "l", cuts: [CutMeasurement(plan: all, measured: summary)], choice: 0)
    }
  }
}
