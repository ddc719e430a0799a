import Engine
import FoundationEssentials
import Testing

@testable import Offload

@Suite struct DeviceProfileTests {
  @Test func profilerMeasuresEveryNodeAndRecordsSerializedSizes() throws {
    let graph = try TestGraphs.diamond()
    let profile = try Profiler(threads: 1, runs: 3, warmup: 1).profile(graph)
    #expect(profile.model == (try ModelBundle.identifier(of: graph)))
    #expect(Set(profile.nodeMilliseconds.keys) == Set(graph.nodes.map(\.name)))
    #expect(profile.nodeMilliseconds.values.allSatisfy { $0 >= 0 && $0.isFinite })
    #expect(profile.nodeOperators["g"] == "QuantizeLinear")
    // float32 4 bytes per element, uint8 1.
    #expect(profile.tensorBytes["x"] == 2 * 16 * 16 * 4)
    #expect(profile.tensorBytes["q2"] == 2 * 16 * 16 * 4)
    #expect(profile.tensorBytes["zq"] == 2 * 16 * 16)
    #expect(profile.tensorBytes.count == 1 + graph.nodes.count)
    #expect(!profile.estimate && profile.board == nil && profile.basis == nil)
    #expect(profile.threads == 1 && profile.runs == 3)
    #expect(profile.machine == MachineDescription.current())
  }

  @Test func jsonRoundTrip() throws {
    let graph = try TestGraphs.diamond()
    var profile = try SplitExecutionTests.profile(graph, milliseconds: ["a": 1.25, "b1": 0.5])
    profile.estimate = true
    profile.board = "rpi5"
    profile.basis = "test basis"
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    let data = try encoder.encode(profile)
    let decoded = try JSONDecoder().decode(DeviceProfile.self, from: data)
    #expect(decoded == profile)
    let text = String(decoding: data, as: UTF8.self)
    #expect(text.contains("\"estimate\":true"))
    #expect(text.contains("\"nodeMilliseconds\":{\"a\":1.25,\"b1\":0.5}"))
  }

  static let host = ComputeDescription(
    cores: 8, clockGHz: 2.5, simdBits: 256, fp32FlopsPerCycle: 32, int8DotProduct: true, int8MACsPerCycle: 64)

  static func measured(threads: Int) -> DeviceProfile {
    DeviceProfile(
      model: "m",
      machine: MachineDescription(cpuModel: "host", architecture: "x86_64", cores: 8, features: []),
      date: "2026-01-01T00:00:00Z", threads: threads, runs: 10,
      nodeMilliseconds: ["conv": 10, "act": 2], nodeOperators: ["conv": "QLinearConv", "act": "Sigmoid"],
      tensorBytes: ["x": 4], totalMilliseconds: 12)
  }

  @Test func boardEstimatesAreLabelledAndScaleInt8ByDotProduct() throws {
    for board in TargetBoard.all {
      let estimate = try BoardEstimate.derive(from: Self.measured(threads: 1), host: Self.host, board: board)
      #expect(estimate.estimate)
      #expect(estimate.board == board.name)
      #expect(estimate.basis?.contains(board.source) == true)
      #expect(estimate.tensorBytes == ["x": 4])
      #expect(abs(estimate.totalMilliseconds - estimate.nodeMilliseconds.values.reduce(0, +)) < 1e-12)
      // Every board here is slower per core than the host description.
      #expect(estimate.nodeMilliseconds["conv"]! > 10 && estimate.nodeMilliseconds["act"]! > 2)
      #expect(board.source.contains("."))
    }
    let rpi4 = try BoardEstimate.derive(
      from: Self.measured(threads: 1), host: Self.host, board: try #require(TargetBoard.named("rpi4")))
    let rpi5 = try BoardEstimate.derive(
      from: Self.measured(threads: 1), host: Self.host, board: try #require(TargetBoard.named("rpi5")))
    // fp32: 2.5*32 / (1.5*16) = 3.33x on the Pi 4, 2.5*32 / (2.4*16) = 2.08x on the Pi 5.
    #expect(abs(rpi4.nodeMilliseconds["act"]! - 2 * 80 / 24) < 1e-9)
    #expect(abs(rpi5.nodeMilliseconds["act"]! - 2 * 80 / 38.4) < 1e-9)
    // int8: no dot product on the A72 (8 MACs/cycle) against SDOT on the A76 (32).
    #expect(abs(rpi4.nodeMilliseconds["conv"]! - 10 * 160 / 12) < 1e-9)
    #expect(abs(rpi5.nodeMilliseconds["conv"]! - 10 * 160 / 76.8) < 1e-9)
    // Fewer cores than measured threads: 8 threads on 4 cores take twice as long.
    let crowded = try BoardEstimate.derive(
      from: Self.measured(threads: 8), host: Self.host, board: try #require(TargetBoard.named("rpi5")))
    #expect(abs(crowded.nodeMilliseconds["act"]! - 2 * rpi5.nodeMilliseconds["act"]!) < 1e-9)
    #expect(throws: OffloadError.self) {
      try BoardEstimate.derive(from: rpi5, host: Self.host, board: rpi4Board())
    }
  }

  func rpi4Board() -> TargetBoard { TargetBoard.named("rpi4")! }
}
