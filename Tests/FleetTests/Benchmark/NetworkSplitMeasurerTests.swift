import Engine
import Fleet
import Testing

@testable import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// The real measurer of `hiyari bench-split` end to end on loopback: a `TailServer` in process,
/// the link emulated by the built `hiyari-netem` (an in-process `LinkRelay` when it is not
/// built), one board in a real CPU quota, every candidate cut of the small int8 model measured.
@Suite(.serialized) struct NetworkSplitMeasurerTests {
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

    let (report, (records, calibrations), problem) = try await OwnThread.run {
      let cloud = try NetworkSplitMeasurer.cloudProfile(server: server, modelHash: hash)
      let host = try Profiler(threads: 1, runs: 5, warmup: 1).profile(graph, model: hash)
      // 2 CPUs: the quota is real but never binds, since the whole test process enters it and
      // other suites run beside this one (calibration, which would lower it, is off).
      let device = SplitBenchmarkDevice(name: "test-board", profile: host, cpus: 2)
      var options = NetworkSplitMeasurerOptions(quotaName: "hiyari-measurer-test-\(getpid())")
      options.cutSeconds = 600
      options.calibrationFrames = 0
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
      return (report, (measurer.quotaRecords, measurer.calibrations), problem)
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
    #expect(calibrations.isEmpty)
    let record = try #require(records.first)
    #expect(records.count == 1 && record.device == "test-board" && record.cpus == 2)
    #expect(record.statistics.periods > 0)
    #expect(access(record.path, F_OK) != 0, "\(record.path) still exists")
    #expect(Self.cpuGroup() == groupBefore)
  }

  /// A board in dilated time: the server runs as its own process (`hiyari-fleet serve`) and is
  /// moved into a quota of `serverCPUs / timeScale` while the board's cell is measured, the link
  /// is the dilated one, and both quotas are gone afterwards with the server back in the root
  /// group. Without the server's pid such a board is refused with a clear error.
  @Test func aDilatedBoardSlowsTheServerAndTheLinkAndRestoresThem() throws {
    #expect(getuid() == 0, "CPU quotas need root: run the tests as root")
    let folder = try ServeTests.temporaryFolder()
    defer { _ = system("rm -rf '\(folder)'") }
    let graph = try TestModels.int8()
    let hash = try ModelBundle.write(graph, to: "\(folder)/int8")
    let server = try ChildProcess([
      try ServeTests.executable(), "serve", "--listen", "127.0.0.1:0", "--model", "\(folder)/int8",
      "--threads",
      "1",
    ])
    defer { server.terminate() }
    let line = try server.waitForLine(startingWith: "listening on ", timeoutSeconds: 120)
    let address = String(try #require(line.split(separator: " ").last))
    let link = try #require(LinkProfile.named("5g-floor"))
    let cloud = try NetworkSplitMeasurer.cloudProfile(server: address, modelHash: hash)
    let host = try Profiler(threads: 1, runs: 5, warmup: 1).profile(graph, model: hash)
    // The device's quota never binds (2 CPUs: other suites run in this process meanwhile).
    let device = SplitBenchmarkDevice(name: "dilated-board", profile: host, cpus: 2, timeScale: 2)
    let problem = try PartitionProblem(graph: graph, device: host, cloud: cloud)
    let cloudOnly = problem.evaluate(
      head: [Bool](repeating: false, count: problem.nodes.count), link: link.estimate)

    var options = NetworkSplitMeasurerOptions(quotaName: "hiyari-dilation-test-\(getpid())")
    options.cutSeconds = 600
    options.calibrationFrames = 0
    let emulator: any LinkEmulator = Self.netem().map { NetemProcesses(executable: $0) } ?? RelayEmulator()
    let inputs = try SyntheticInputs.pixels(for: graph)
    let withoutPID = try NetworkSplitMeasurer(
      graph: graph, modelHash: hash, server: address, links: [link], emulator: emulator, inputs: inputs,
      options: options, timeScales: [2])
    #expect(withoutPID.linkPorts.keys.sorted() == ["5g-floor@2.0"])
    #expect {
      _ = try withoutPID.measure(cloudOnly, device: device, link: link, frames: 2)
    } throws: { ($0 as? OffloadError)?.description.contains("server's process id") == true }
    try withoutPID.finish()

    options.serverPID = server.pid
    options.serverCPUs = 1
    let measurer = try NetworkSplitMeasurer(
      graph: graph, modelHash: hash, server: address, links: [link], emulator: emulator, inputs: inputs,
      options: options, timeScales: [1, 2])
    let latencies: [Double]
    do {
      latencies = try measurer.measure(cloudOnly, device: device, link: link, frames: 3)
      // While the board's cell runs, the server is in its quota.
      let group = try #require(measurer.serverQuota?.group)
      #expect(try group.processes() == [server.pid])
      #expect(group.cpus == 0.5)
    } catch {
      try? measurer.finish()
      throw error
    }
    try measurer.finish()
    #expect(latencies.count == 3 && latencies.allSatisfy { $0 > 0 })
    let record = try #require(measurer.serverQuotaRecords.first)
    #expect(measurer.serverQuotaRecords.count == 1 && record.device == "dilated-board" && record.cpus == 0.5)
    #expect(access(record.path, F_OK) != 0, "\(record.path) still exists")
    let serverGroup = MachineDescription.readText("/proc/\(server.pid)/cgroup") ?? ""
    #expect(
      serverGroup.split(separator: "\n").contains { $0.contains(":cpu") && $0.hasSuffix(":/") },
      "the server is back in the root cpu group: \(serverGroup)")
  }

  /// A `hiyari-netem` started for a benchmark stops by itself when its parent goes away (its
  /// standard input closes), so an interrupted benchmark leaves no relay behind.
  @Test func netemStopsWhenItsParentGoes() throws {
    let netem = try #require(Self.netem(), "hiyari-netem is not built: run `swift build` first")
    let relay = try ChildProcess([
      netem, "--listen", "127.0.0.1:0", "--target", "127.0.0.1:9", "--profile", "wpt-lte",
      "--stop-on-stdin-eof",
    ])
    _ = try relay.waitForLine(startingWith: "relaying ", timeoutSeconds: 30)
    relay.closeInput()
    let summary = try relay.waitForLine(startingWith: "summary:", timeoutSeconds: 30)
    #expect(summary.contains("0 connections"))
  }

  /// `bench-split --tls-ca`: the profile request and every measured frame go over TLS, through
  /// the emulated link, to a TLS tail server; the certificate is checked against the server's
  /// address although the client connects to the relay's.
  @Test func cutsAreMeasuredOverTLSThroughTheLink() async throws {
    #expect(getuid() == 0, "CPU quotas need root: run the tests as root")
    let certificates = try TestCertificates.make()
    defer { certificates.remove() }
    let serverTLS = try TailServerTLS(
      certificateChainPath: certificates.serverCertificate, privateKeyPath: certificates.serverKey)
    let loopback = try await Loopback.start { $0.tls = serverTLS }
    let server = "127.0.0.1:\(loopback.port)"
    let graph = loopback.int8.graph
    let hash = loopback.int8.hash
    let tls = try OffloadTLS(trustRootsPath: certificates.caCertificate)
    let link = try #require(LinkProfile.named("5g-floor"))
    let latencies = try await OwnThread.run {
      let cloud = try NetworkSplitMeasurer.cloudProfile(server: server, modelHash: hash, tls: tls)
      let host = try Profiler(threads: 1, runs: 3, warmup: 1).profile(graph, model: hash)
      let problem = try PartitionProblem(graph: graph, device: host, cloud: cloud)
      let cloudOnly = problem.evaluate(
        head: [Bool](repeating: false, count: problem.nodes.count), link: link.estimate)
      var options = NetworkSplitMeasurerOptions(quotaName: "hiyari-tls-test-\(getpid())")
      options.tls = tls
      options.calibrationFrames = 0
      let measurer = try NetworkSplitMeasurer(
        graph: graph, modelHash: hash, server: server, links: [link], emulator: RelayEmulator(),
        inputs: try SyntheticInputs.pixels(for: graph), options: options)
      defer { try? measurer.finish() }
      return try measurer.measure(
        cloudOnly, device: SplitBenchmarkDevice(name: "tls-board", profile: host), link: link, frames: 3)
    }
    await loopback.server.stop()
    #expect(latencies.count == 3 && latencies.allSatisfy { $0 > 0 })
  }
}
