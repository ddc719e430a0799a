import Engine
import Fleet
import LinkEmulation
import Offload
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Split execution end to end: `SplitExecutor` and `OffloadClient` on the device side, a
/// `TailServer` on loopback, real tails, and a `LinkRelay` where the link must misbehave. Every
/// frame's outputs must equal the device-only outputs bit for bit, wherever its tail ran.
@Suite struct SplitExecutorTests {
  static let fastLink = LinkProfile(
    name: "loopback",
    estimate: LinkEstimate(uplinkBitsPerSecond: 1e9, downlinkBitsPerSecond: 1e9, roundTripSeconds: 0.002),
    jitterSeconds: 0, loss: 0, source: "test")

  func relay(to port: Int) throws -> LinkRelay {
    try LinkRelay(
      listen: try SocketAddress(parsing: "127.0.0.1:0"),
      target: try SocketAddress(parsing: "127.0.0.1:\(port)"),
      profile: Self.fastLink)
  }

  func executor(_ model: ServedModel, port: Int, samples: SampleLog? = nil, window: Int = 4) async throws
    -> (SplitExecutor, OffloadClient)
  {
    let client = try await Loopback.client(port: port, samples: samples)
    let executor = try SplitExecutor(
      graph: model.graph, modelHash: model.hash, client: client, window: window, budgetSeconds: 30)
    return (executor, client)
  }

  /// The int8 model split at q1, its requests through a relay (to stall or cut) to a server.
  func relayedInt8Split() async throws -> (Loopback, LinkRelay, SplitExecutor, OffloadClient) {
    let loopback = try await Loopback.start()
    let relay = try relay(to: loopback.port)
    let (executor, client) = try await executor(loopback.int8, port: Int(relay.address.port))
    try await executor.setMode(.split(Cut(crossing: ["q1"])))
    return (loopback, relay, executor, client)
  }

  @Test func int8SplitEqualsDeviceOnlyBitExact() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let samples = SampleLog()
    let (executor, client) = try await executor(loopback.int8, port: loopback.port, samples: samples)
    try await executor.setMode(.split(Cut(crossing: ["q1"])))
    for frame in UInt64(0)..<5 {
      let inputs = TestModels.input(seed: frame)
      let result = try await executor.run(frameID: frame, inputs: inputs)
      #expect(result.tailLocation == .cloud, "\(String(describing: result.fallback))")
      #expect(TestModels.bytes(result.outputs) == (try TestModels.deviceOnly(loopback.int8.graph, inputs)))
      // q1 crosses as 8 x 8 x 8 one-byte codes, not 4-byte floats.
      #expect(result.bytesUp > 512 && result.bytesUp < 1024)
      #expect(result.bytesDown > 0 && result.headSeconds > 0 && result.waitSeconds > 0)
      #expect(result.transfer?.serverSeconds ?? 0 > 0)
    }
    #expect(samples.all.count == 5)
    #expect(await executor.takeReplanDue() == false)
    await client.close()
  }

  @Test func floatSplitAndCloudOnlyEqualDeviceOnlyBitExact() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let (executor, client) = try await executor(loopback.float, port: loopback.port)
    let graph = loopback.float.graph
    try await executor.setMode(.split(Cut(crossing: ["h1"])))
    let split = try await executor.run(frameID: 1, inputs: TestModels.input(seed: 1))
    #expect(split.tailLocation == .cloud)
    #expect(TestModels.bytes(split.outputs) == (try TestModels.deviceOnly(graph, TestModels.input(seed: 1))))

    try await executor.setMode(.cloudOnly)
    let pixels = try await executor.run(frameID: 2, inputs: TestModels.pixels(seed: 2))
    #expect(pixels.tailLocation == .cloud)
    #expect(
      TestModels.bytes(pixels.outputs) == (try TestModels.deviceOnly(graph, TestModels.pixels(seed: 2))))
    // 192 pixels travel as one byte each; inputs that are not pixels travel as floats.
    let floats = try await executor.run(frameID: 3, inputs: TestModels.input(seed: 3))
    #expect(TestModels.bytes(floats.outputs) == (try TestModels.deviceOnly(graph, TestModels.input(seed: 3))))
    #expect(pixels.bytesUp < 3 * 64 + 200)
    #expect(floats.bytesUp > 3 * 64 * 4)

    try await executor.setMode(.deviceOnly)
    let local = try await executor.run(frameID: 4, inputs: TestModels.input(seed: 4))
    #expect(local.tailLocation == .device && local.fallback == nil && local.bytesUp == 0)
    #expect(TestModels.bytes(local.outputs) == (try TestModels.deviceOnly(graph, TestModels.input(seed: 4))))
    await client.close()
  }

  /// A cloud-only frame's pixel codes are predicted and deflated on the way: a smooth picture
  /// takes fewer bytes than sent raw, and the server's outputs are still the device's bit for bit.
  @Test func cloudOnlyFramesTravelCompressedAndLossless() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let graph = loopback.float.graph
    let smooth = try Tensor(shape: [1, 3, 8, 8], elementType: .float32)
    smooth.withMutableElements(as: Float.self) {
      for index in $0.indices { $0[index] = Float(40 + (index % 64) / 8 * 3 + index % 8) * PixelCodes.scale }
    }
    let inputs = ["x": smooth]
    var bytesUp: [Bool: Int] = [:]
    for compressing in [true, false] {
      let client = try await Loopback.client(port: loopback.port)
      let executor = try SplitExecutor(
        graph: graph, modelHash: loopback.float.hash, client: client, budgetSeconds: 30,
        compressesInputs: compressing)
      try await executor.setMode(.cloudOnly)
      let result = try await executor.run(frameID: 1, inputs: inputs)
      #expect(result.tailLocation == .cloud, "\(String(describing: result.fallback))")
      #expect(TestModels.bytes(result.outputs) == (try TestModels.deviceOnly(graph, inputs)))
      bytesUp[compressing] = result.bytesUp
      await client.close()
    }
    let compressed = try #require(bytesUp[true])
    let raw = try #require(bytesUp[false])
    #expect(compressed + 100 < raw, "compressed \(compressed) bytes, raw \(raw)")
  }

  /// Two branches, each with its own output: a cut after the first branch's output leaves it a
  /// pass-through of the tail. The device keeps it (only the other branch's tensor goes up) and
  /// the server's reply leaves it out; the outputs are still the device-only ones bit for bit.
  /// The server also still takes a request that sends it.
  @Test func headOutputsStayOnTheDevice() async throws {
    var random = TestModels.Generator(11)
    let graph = try Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: TestModels.inputShape)],
      outputs: ["ya", "yb"],
      nodes: [
        Node(
          name: "c1", op: "Conv", inputs: ["x", "W1", "B1"], outputs: ["a1"], attributes: TestModels.conv),
        Node(name: "r1", op: "Relu", inputs: ["a1"], outputs: ["h1"]),
        Node(name: "sa", op: "Sigmoid", inputs: ["h1"], outputs: ["ya"]),
        Node(
          name: "c2", op: "Conv", inputs: ["h1", "W2", "B2"], outputs: ["a2"], attributes: TestModels.conv),
        Node(name: "sb", op: "Sigmoid", inputs: ["a2"], outputs: ["yb"]),
      ],
      constants: [
        "W1": TestModels.floats([4, 3, 3, 3], &random, in: -0.5...0.5),
        "B1": TestModels.floats([4], &random, in: -0.1...0.1),
        "W2": TestModels.floats([4, 4, 3, 3], &random, in: -0.5...0.5),
        "B2": TestModels.floats([4], &random, in: -0.1...0.1),
      ]
    ).validated()
    let model = try ServedModel(graph: graph, hash: try ModelBundle.identifier(of: graph))
    let server = TailServer(models: [model], configuration: TailServerConfiguration(threads: 1))
    let port = try #require(try await server.start(host: "127.0.0.1", port: 0).port)
    defer { Task { await server.stop() } }
    let client = try await Loopback.client(port: port)
    let executor = try SplitExecutor(graph: graph, modelHash: model.hash, client: client, budgetSeconds: 30)
    let cut = Cut(crossing: ["ya", "a2"])
    try await executor.setMode(.split(cut))
    let inputs = TestModels.input(seed: 4)
    let result = try await executor.run(frameID: 1, inputs: inputs)
    #expect(result.tailLocation == .cloud, "\(String(describing: result.fallback))")
    #expect(TestModels.bytes(result.outputs) == (try TestModels.deviceOnly(graph, inputs)))
    // a2 (4x8x8 floats, 1 kB) went up, ya (1 kB more) did not; yb alone came back.
    #expect(result.bytesUp > 1024 && result.bytesUp < 2048, "\(result.bytesUp) bytes up")
    #expect(result.bytesDown > 1024 && result.bytesDown < 2048, "\(result.bytesDown) bytes down")

    // A device that sends the pass-through tensor gets it back.
    let head = try CompiledModel.part(.head, of: graph, cut: cut).run(inputs)
    let request = TailRequest(
      frameID: 2, modelHash: model.hash, cut: cut, budgetMicroseconds: 10_000_000,
      tensors: cut.crossing.map { ($0, head[$0]!) })
    let reply = try await client.runTail(request, timeoutSeconds: 30)
    #expect(Set(reply.outputs.map(\.name)) == ["ya", "yb"])
    await client.close()
  }

  @Test func aRefusedRequestRunsTheTailOnTheDevice() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let client = try await Loopback.client(port: loopback.port)
    let executor = try SplitExecutor(
      graph: loopback.int8.graph, modelHash: String(repeating: "e", count: 64), client: client,
      budgetSeconds: 30)
    try await executor.setMode(.split(Cut(crossing: ["q1"])))
    let result = try await executor.run(frameID: 1, inputs: TestModels.input(seed: 1))
    #expect(result.tailLocation == .device)
    #expect(result.fallback?.refusal?.code == .unknownModel)
    #expect(result.replanDue)
    #expect(
      TestModels.bytes(result.outputs)
        == (try TestModels.deviceOnly(loopback.int8.graph, TestModels.input(seed: 1))))
    #expect(await executor.takeReplanDue())
    await client.close()
  }

  @Test func aMissedDeadlineRunsTheTailOnTheDevice() async throws {
    let (loopback, relay, executor, client) = try await relayedInt8Split()
    defer {
      relay.stop()
      Task { await loopback.server.stop() }
    }
    let graph = loopback.int8.graph
    let before = try await executor.run(frameID: 1, inputs: TestModels.input(seed: 1))
    #expect(before.tailLocation == .cloud)

    // Stalled until restored, not for a fixed time: on a loaded machine a short stall could end
    // before the request is even sent.
    relay.stall(seconds: 600)
    let late = try await executor.run(frameID: 2, inputs: TestModels.input(seed: 2), budgetSeconds: 0.2)
    #expect(late.tailLocation == .device)
    #expect(late.fallback?.kind == .deadlineExceeded)
    #expect(late.bytesUp > 0)
    #expect(TestModels.bytes(late.outputs) == (try TestModels.deviceOnly(graph, TestModels.input(seed: 2))))

    // The late reply is dropped when it comes; the connection goes on serving.
    relay.restore()
    let after = try await executor.run(frameID: 3, inputs: TestModels.input(seed: 3))
    #expect(after.tailLocation == .cloud)
    #expect(TestModels.bytes(after.outputs) == (try TestModels.deviceOnly(graph, TestModels.input(seed: 3))))
    await client.close()
  }

  @Test func aLinkCutLosesNoFrameAndOffloadResumesAfterRestore() async throws {
    let (loopback, relay, executor, client) = try await relayedInt8Split()
    defer {
      relay.stop()
      Task { await loopback.server.stop() }
    }
    let graph = loopback.int8.graph
    var locations: [TailLocation] = []
    var frame: UInt64 = 0
    func step() async throws {
      let inputs = TestModels.input(seed: frame)
      let result = try await executor.run(frameID: frame, inputs: inputs, budgetSeconds: 5)
      #expect(
        TestModels.bytes(result.outputs) == (try TestModels.deviceOnly(graph, inputs)), "frame \(frame)")
      locations.append(result.tailLocation)
      frame += 1
    }
    for _ in 0..<6 { try await step() }
    #expect(locations.allSatisfy { $0 == .cloud })

    relay.cut()
    try await Task.sleep(for: .milliseconds(100))
    for _ in 0..<6 { try await step() }
    #expect(locations[6...].allSatisfy { $0 == .device }, "\(locations)")

    relay.restore()
    // The client reconnects on its own (back-off at most 0.2 s here); frames run on the device
    // meanwhile. Bounded: 200 frames, 20 ms apart.
    var resumed = false
    for _ in 0..<200 where !resumed {
      try await step()
      resumed = locations.last == .cloud
      if !resumed { try await Task.sleep(for: .milliseconds(20)) }
    }
    #expect(resumed, "offload resumed after the link was restored")
    #expect(locations.count == Int(frame))
    await client.close()
  }

  @Test func framesInFlightAreMatchedByIDWhateverTheReplyOrder() async throws {
    let graph = try TestModels.int8()
    let (channel, port) = try await ReversingServer.start(graph: graph, batch: 4)
    let client = try await Loopback.client(port: port)
    let executor = try SplitExecutor(
      graph: graph, modelHash: try ModelBundle.identifier(of: graph), client: client, window: 4,
      budgetSeconds: 30)
    try await executor.setMode(.split(Cut(crossing: ["q1"])))
    var pending: [PendingFrame] = []
    for frame in UInt64(10)..<14 {
      pending.append(try await executor.submit(frameID: frame, inputs: TestModels.input(seed: frame)))
    }
    for frame in pending {
      let result = await frame.result()
      #expect(result.frameID == frame.frameID)
      #expect(result.tailLocation == .cloud, "\(String(describing: result.fallback))")
      #expect(
        TestModels.bytes(result.outputs)
          == (try TestModels.deviceOnly(graph, TestModels.input(seed: frame.frameID))))
    }
    await client.close()
    try await channel.close()
  }

  @Test func theWindowBoundsFramesInFlight() async throws {
    let loopback = try await Loopback.start(threads: 2)
    defer { Task { await loopback.server.stop() } }
    let (executor, client) = try await executor(loopback.int8, port: loopback.port, window: 3)
    try await executor.setMode(.split(Cut(crossing: ["q1"])))
    var pending: [PendingFrame] = []
    for frame in UInt64(0)..<12 {
      pending.append(try await executor.submit(frameID: frame, inputs: TestModels.input(seed: frame)))
      #expect(await executor.framesInFlight <= 3)
    }
    for frame in pending {
      let result = await frame.result()
      #expect(result.tailLocation == .cloud)
      #expect(
        TestModels.bytes(result.outputs)
          == (try TestModels.deviceOnly(loopback.int8.graph, TestModels.input(seed: frame.frameID))))
    }
    #expect(await executor.framesInFlight == 0)
    await client.close()
  }
}
