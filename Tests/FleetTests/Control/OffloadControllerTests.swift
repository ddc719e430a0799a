import Engine
import Fleet
import LinkEmulation
import Offload
import Testing

/// `OffloadController` end to end on loopback: a real `TailServer`, a `LinkRelay` whose rates
/// drop mid-run, the int8 test model, and a device profile of a slow board (the server's own
/// measurement scaled to 150 ms a frame, so offloading pays on a fast link and not on a slow one).
@Suite(.serialized) struct OffloadControllerTests {
  /// Frames of 32 x 32: the reply (about 40 kB) is ten times the relay's token-bucket burst,
  /// so the link's rate shows in its time.
  static let size = 32
  static let roundTrip = 0.03
  static let fastBitsPerSecond = 8e6
  static let slowBitsPerSecond = 0.5e6
  static let fast = LinkProfile(
    name: "test-fast",
    estimate: LinkEstimate(
      uplinkBitsPerSecond: fastBitsPerSecond, downlinkBitsPerSecond: fastBitsPerSecond,
      roundTripSeconds: roundTrip), jitterSeconds: 0, loss: 0, source: "test")

  /// The server's profile of `model` with every node `deviceMilliseconds / total` as slow.
  static func slowDevice(_ model: ServedModel, milliseconds: Double) throws -> DeviceProfile {
    var profile = try Profiler(threads: 1, runs: 5, warmup: 2).profile(model.graph, model: model.hash)
    let scale = milliseconds / max(1e-6, profile.nodeMilliseconds.values.reduce(0, +))
    profile.nodeMilliseconds = profile.nodeMilliseconds.mapValues { $0 * scale }
    profile.totalMilliseconds = milliseconds
    return profile
  }

  static func controller(
    _ model: ServedModel, port: Int, configure: (inout OffloadControllerConfiguration) -> Void = { _ in }
  ) throws
    -> OffloadController
  {
    var client = OffloadClientConfiguration(host: "127.0.0.1", port: port)
    client.reconnectMaximumSeconds = 0.2
    var configuration = OffloadControllerConfiguration(client: client, prior: fast.estimate)
    configuration.budgetSeconds = 2
    // A payload probe sized for the fast link must not hold the one connection for seconds
    // after the rate drops.
    configuration.probes.maximumPayloadBytes = 65536
    // Payload probes every 2 s (not every 10 s) once the device is idle for half a second, so
    // the rates settle within this short run after the device stops offloading.
    configuration.probes.payloadInterval = 2
    // Payloads of at least a second's transfer: the relay lets its token bucket's burst (4 kB at
    // the top rate) through without pacing, which makes a small probe look fast.
    configuration.probes.minimumTransferSeconds = 0.5
    configuration.probes.idleAfter = 0.5
    configure(&configuration)
    return try OffloadController(
      graph: model.graph, modelHash: model.hash, deviceProfile: try slowDevice(model, milliseconds: 150),
      configuration: configuration)
  }

  /// The RTT within 10%, plus 5 ms: on loopback the host's own scheduling (two cores shared with
  /// the other suites) adds a millisecond to several to every round trip, which is not the link's.
  static func roundTripWithinBound(_ seconds: Double) -> Bool {
    abs(seconds - roundTrip) <= 0.1 * roundTrip + 0.005
  }

  /// Both rates within a factor of 2 of the slow link's.
  static func followedTheDrop(_ estimate: LinkEstimate) -> Bool {
    (0.5...2).contains(estimate.uplinkBitsPerSecond / slowBitsPerSecond)
      && (0.5...2).contains(estimate.downlinkBitsPerSecond / slowBitsPerSecond)
  }

  @Test func thePlanFollowsTheLinkFromCloudToDeviceWithoutFlapping() async throws {
    let graph = try TestModels.int8(size: Self.size)
    let model = try ServedModel(graph: graph, hash: try ModelBundle.identifier(of: graph))
    let server = TailServer(models: [model], configuration: TailServerConfiguration(threads: 2))
    let port = try #require(try await server.start(host: "127.0.0.1", port: 0).port)
    // The link steps after a number of frames, not of seconds: the trace's step lies far ahead,
    // and the run jumps to it. Under load a debug build manages only a few frames a second, and
    // a time-based step left too few frames on either side of it.
    let traceStep = 1000.0
    let slow = ThroughputTrace(steps: [
      .init(seconds: 0, bitsPerSecond: Self.fastBitsPerSecond),
      .init(seconds: traceStep, bitsPerSecond: Self.slowBitsPerSecond),
    ])
    let relay = try LinkRelay(
      listen: try SocketAddress(parsing: "127.0.0.1:0"),
      target: try SocketAddress(parsing: "127.0.0.1:\(port)"), profile: Self.fast,
      uplinkTrace: slow, downlinkTrace: slow, holdingTraces: true)
    defer {
      relay.stop()
      Task { await server.stop() }
    }
    // Frames travel raw: in a debug build, predicting and restoring every frame's pixels on
    // both sides costs tens of ms, which under CI's load left too few frames before the step.
    // Compression has its own tests (SplitExecutorTests, TensorPacketTests).
    let controller = try Self.controller(model, port: Int(relay.address.port)) { $0.compressesInputs = false }
    #expect(try await controller.start(), "the server was reached and its profile fetched")
    let reference = try CompiledModel(graph: model.graph)
    // Setting up (profiling the model here and on the server, the first probes) takes seconds
    // under load, on the fast link (the relay holds its traces): the measured run starts now.
    relay.restartTraces()
    let runStart = MonotonicClock.nanoseconds()
    var stepTime: UInt64? = nil

    // Seconds since the step (nil before it) of every frame. About 10 frames a second (the pace
    // the estimator's bound assumes): at least 10 frames and 4 s on the fast link, then the
    // step, then on for at least 9 s and until 5 frames have stayed device-only and the rates
    // have followed the drop (at most 40 s: when every suite runs at once, a starved process
    // learns the new rates seconds later).
    var frames: [(sinceStep: Double?, frame: ControlledFrame)] = []
    let settled = 5
    for id in UInt64(0)..<1000 {
      let now = MonotonicClock.nanoseconds()
      if stepTime == nil && frames.count >= 10 && Double(now &- runStart) / 1e9 >= 4 {
        relay.restartTraces(from: traceStep)
        stepTime = now
      }
      let sinceStep = stepTime.map { Double(now &- $0) / 1e9 }
      if let sinceStep {
        let last = frames.suffix(settled)
        let deviceOnly =
          last.count == settled
          && last.allSatisfy {
            $0.sinceStep != nil && $0.frame.plan?.isDeviceOnly == true && !$0.frame.replanned
          }
        // And the rates re-learnt: probes, every 2 s, are all that measure them now.
        let rates = frames.last.map { Self.followedTheDrop($0.frame.estimate.estimate) } ?? false
        if (sinceStep > 9 && deviceOnly && rates) || sinceStep > 40 { break }
      }
      let inputs = TestModels.pixels(seed: id, size: Self.size)
      let frame = try await controller.run(frameID: id, inputs: inputs)
      #expect(
        TestModels.bytes(frame.result.outputs) == TestModels.bytes(try reference.run(inputs)), "frame \(id)")
      frames.append((sinceStep, frame))
      try await Task.sleep(for: .milliseconds(100))
    }
    await controller.stop()

    let beforeStep = frames.filter { $0.sinceStep == nil }
    let end = frames.suffix(settled)
    #expect(beforeStep.count >= 10 && frames.count >= beforeStep.count + settled, "\(frames.count) frames")
    // The switch to device-only: about 7 s after the step on a quiet machine (rates re-learnt
    // from probes every 2 s); 20 s bounds a starved one without letting a stuck estimator pass.
    let switched = frames.first { $0.sinceStep != nil && $0.frame.plan?.isDeviceOnly == true }?.sinceStep
    #expect(
      switched.map { $0 < 20 } == true, "device-only \(switched.map { "\($0) s" } ?? "never") after the step")
    // Fast link: a cloud-heavy cut from the first frame, kept on the steady link (no re-plan).
    for (_, frame) in beforeStep {
      let plan = try #require(frame.plan)
      #expect(!plan.isDeviceOnly && plan.headNodes.count <= 1, "fast link plan \(plan.label)")
      #expect(frame.result.tailLocation == .cloud, "\(String(describing: frame.result.fallback))")
      #expect(!frame.replanned)
    }
    // Slow link: device-only, kept to the end.
    for (sinceStep, frame) in end {
      #expect(
        frame.plan?.isDeviceOnly == true, "\(sinceStep ?? 0) s after the step: \(frame.plan?.label ?? "-")")
      #expect(frame.result.mode == .deviceOnly)
      #expect(!frame.replanned)
    }
    // At most one intermediate cut on the way (the rates are re-learnt one after the other).
    let changes = frames.filter(\.frame.replanned).count
    #expect(changes >= 1 && changes <= 2, "\(changes) mode changes")
    // The estimator's documented bound is every component within 10% five seconds after a step,
    // with offload requests measuring the uplink all along. Here the controller stops offloading
    // soon after the step, and then only probes measure the rates, one every 2 s, each biased
    // high by the relay's unpaced burst (4 kB of a probe of tens of kB): so the RTT is held to
    // the bound (pings are unbiased), and the rates to having followed the 16x drop to within a
    // factor of 2 of the new rate by the end of the run, at least 9 s after the step.
    let estimate = try #require(frames.last).frame.estimate.estimate
    #expect(Self.followedTheDrop(estimate), "\(estimate)")
    #expect(Self.roundTripWithinBound(estimate.roundTripSeconds), "\(estimate)")
    #expect(await controller.probesSent > 0)
  }

  @Test func failedOffloadsHoldOffloadOffUntilTheLinkIsBack() async throws {
    let graph = try TestModels.int8(size: Self.size)
    let model = try ServedModel(graph: graph, hash: try ModelBundle.identifier(of: graph))
    let server = TailServer(models: [model], configuration: TailServerConfiguration(threads: 2))
    let port = try #require(try await server.start(host: "127.0.0.1", port: 0).port)
    let relay = try LinkRelay(
      listen: try SocketAddress(parsing: "127.0.0.1:0"),
      target: try SocketAddress(parsing: "127.0.0.1:\(port)"), profile: Self.fast)
    defer {
      relay.stop()
      Task { await server.stop() }
    }
    let controller = try Self.controller(model, port: Int(relay.address.port)) { $0.holdSeconds = 0.5 }
    #expect(try await controller.start())
    let reference = try CompiledModel(graph: graph)
    var frames: [ControlledFrame] = []
    var id: UInt64 = 0
    func step() async throws -> ControlledFrame {
      let inputs = TestModels.pixels(seed: id, size: Self.size)
      let frame = try await controller.run(frameID: id, inputs: inputs)
      #expect(
        TestModels.bytes(frame.result.outputs) == TestModels.bytes(try reference.run(inputs)), "frame \(id)")
      id += 1
      frames.append(frame)
      try await Task.sleep(for: .milliseconds(20))
      return frame
    }
    for _ in 0..<5 { _ = try await step() }
    #expect(frames.allSatisfy { $0.result.tailLocation == .cloud })
    // The first frame's upload was measured: its pixel codes, compressed, priced by the planner.
    let uploads = await controller.inputUploads
    let upload = try #require(uploads[graph.inputs[0].name])
    let codes = graph.inputs[0].elementCount
    #expect(upload.bytes > 0 && upload.bytes < codes + 64 && upload.encodeSeconds > 0)

    relay.cut()
    // Three failed offloads in a row, then the device holds offload off (bounded: 100 frames).
    var held = false
    for _ in 0..<100 where !held { held = try await step().hold != nil }
    #expect(held, "offload was held off after repeated fallbacks")
    let failed = frames[5...].filter { $0.result.fallback != nil }.count
    #expect(failed >= 3, "\(failed) fallbacks before the hold")
    // While held, frames run device-only: no request is sent, so nothing falls back.
    let holding = try await step()
    #expect(holding.hold != nil && holding.result.mode == .deviceOnly && holding.result.fallback == nil)

    relay.restore()
    // The hold ends after 0.5 s once the client has reconnected (back-off at most 0.2 s here).
    var resumed = false
    for _ in 0..<200 where !resumed { resumed = try await step().result.tailLocation == .cloud }
    #expect(resumed, "offload resumed after the link came back")
    #expect(frames.allSatisfy { $0.result.outputs.count == graph.outputs.count })
    await controller.stop()
  }
}
