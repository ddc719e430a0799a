import Engine
import Fleet
import Offload
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The real measurer of `hiyari bench-split` end to end on loopback: a `TailServer` in process,
/// the link emulated by the built `hiyari-netem` (an in-process `LinkRelay` when it is not
/// built), one board in a real CPU quota, every candidate cut of the small int8 model measured.
@Suite struct NetworkSplitMeasurerTests {
  /// The built hiyari-netem next to the test binary, when there is one.
  static func netem() -> String? {
    let path = ChildProcess.siblingExecutable("hiyari-netem")
    return access(path, X_OK) == 0 ? path : nil
  }

  /// This process's group in the cgroup v1 cpu hierarchy ("/" is the root).
  static func cpuGroup() -> String? {
    guard let text = MachineDescription.readText("/proc/self/cgroup") else { return nil }
    for line in text.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      if parts.count == 3, parts[1].split(separator: ",").contains("cpu") { return String(parts[2]) }
    }
    return nil
  }

  @Test func everyCutIsMeasuredThroughTheLinkAndTheQuotaIsRemoved() async throws {
    #expect(getuid() == 0, "CPU quotas need root: run the tests as root")
    let loopback = try await Loopback.start()
    let server = "127.0.0.1:\(loopback.port)"
    let graph = loopback.int8.graph
    let hash = loopback.int8.hash
    let link = try #require(LinkProfile.named("5g-floor"))
    let frames = 4
    let netemPath = Self.netem()
    let groupBefore = Self.cpuGroup()

    let (report, records, problem) = try await OwnThread.run {
      let cloud = try NetworkSplitMeasurer.cloudProfile(server: server, modelHash: hash)
      let host = try Profiler(threads: 1, runs: 5, warmup: 1).profile(graph, model: hash)
      let device = SplitBenchmarkDevice(name: "test-board", profile: host, cpus: 1)
      var options = NetworkSplitMeasurerOptions(quotaName: "hiyari-measurer-test-\(getpid())")
      options.cutSeconds = 600
      let emulator: any LinkEmulator = netemPath.map { NetemProcesses(executable: $0) } ?? RelayEmulator()
      let measurer = try NetworkSplitMeasurer(
        graph: graph, modelHash: hash, server: server, links: [link], emulator: emulator,
        inputs: try SyntheticInputs.pixels(for: graph), options: options)
      let benchmark = SplitBenchmark(
        graph: graph, cloud: cloud, devices: [device], links: [link], frames: frames,
        compressedInputBytes: SyntheticInputs.codeBytes(of: graph))
      var measuring = measurer
      let report: SplitBenchmarkReport
      do {
        report = try benchmark.run(&measuring)
      } catch {
        try? measurer.finish()
        throw error
      }
      try measurer.finish()
      let problem = try PartitionProblem(
        graph: graph, device: host, cloud: cloud, compressedInputBytes: SyntheticInputs.codeBytes(of: graph))
      return (report, measurer.quotaRecords, problem)
    }
    await loopback.server.stop()

    let cell = try #require(report.cells.first)
    #expect(report.cells.count == 1 && cell.device == "test-board" && cell.link == link.name)
    // 4 nodes in a chain: 5 cuts, all of them candidates, each measured over every frame.
    #expect(cell.cuts.count == 5)
    for cut in cell.cuts {
      #expect(cut.measured.count == frames, "\(cut.label)")
      #expect(cut.measured.medianMilliseconds > 0)
    }
    // The choice is the planner's; the oracle the least measured median.
    let planned = try PartitionPlanner().plan(problem, link: link.estimate)
    #expect(cell.cuts[cell.choice].headNodes == planned.headNodes)
    let medians = cell.cuts.map(\.measured.medianMilliseconds)
    #expect(medians[cell.oracle] == medians.min())
    #expect(
      cell.choiceOverOracle == medians[cell.choice] / medians[cell.oracle] || cell.choice == cell.oracle)
    #expect(cell.choiceOverOracle >= 1)

    // The board ran in its quota, which is gone, and this process is back where it was.
    let record = try #require(records.first)
    #expect(records.count == 1 && record.device == "test-board" && record.cpus == 1)
    #expect(record.statistics.periods > 0)
    #expect(access(record.path, F_OK) != 0, "\(record.path) still exists")
    #expect(Self.cpuGroup() == groupBefore)
  }
}
