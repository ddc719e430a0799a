import Engine
import Fleet
import Testing

@testable import Offload

/// The tail server over real TCP on loopback, with real tails: hostile and broken requests get
/// the right `ErrorReply`, and the server goes on serving.
@Suite struct TailServerTests {
  let int8Cut = Cut(crossing: ["q1"])

  /// Sends `frame` and expects an `ErrorReply` with `code` (and `frameID`).
  func expectRefusal(_ connection: RawConnection, _ frame: [UInt8], _ code: WireErrorCode, frameID: UInt64?)
    throws
  {
    try connection.send(frame)
    let reply = try #require(try connection.readMessage(), "the server answered")
    guard case .errorReply(let refusal) = reply else {
      Issue.record("expected an error reply \(code), got \(reply.type)")
      return
    }
    #expect(refusal.code == code, "\(refusal.message)")
    #expect(refusal.frameID == frameID)
    #expect(!refusal.message.isEmpty)
  }

  /// Sends a good request and expects the tail's right outputs.
  func expectServed(_ connection: RawConnection, _ loopback: Loopback, frameID: UInt64) throws {
    let request = try Loopback.request(loopback.int8, cut: int8Cut, frameID: frameID, seed: frameID)
    try connection.send(try WireCodec.encode(.tailRequest(request)))
    let reply = try #require(try connection.readMessage())
    guard case .tailReply(let tail) = reply else {
      Issue.record("expected a tail reply, got \(reply)")
      return
    }
    #expect(tail.frameID == frameID)
    let expected = try TestModels.deviceOnly(loopback.int8.graph, TestModels.input(seed: frameID))
    #expect(
      TestModels.bytes(Dictionary(uniqueKeysWithValues: tail.outputs.map { ($0.name, $0.tensor) }))
        == expected)
    #expect(tail.serverSeconds > 0)
  }

  /// A request frame edited by `edit`, with its length prefix fixed up.
  func edited(_ request: TailRequest, _ edit: (inout [UInt8]) -> Void) throws -> [UInt8] {
    var frame = try WireCodec.encode(.tailRequest(request))
    edit(&frame)
    withUnsafeBytes(of: UInt32(frame.count - 4).littleEndian) { frame.replaceSubrange(0..<4, with: $0) }
    return frame
  }

  @Test func refusalsKeepTheConnectionServing() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let connection = try RawConnection(port: loopback.port)
    let good = try Loopback.request(loopback.int8, cut: int8Cut, frameID: 10)

    // Malformed: an unknown version, then a body cut short inside its tensor packet.
    try expectRefusal(connection, try edited(good) { $0[4] = 9 }, .malformed, frameID: nil)
    try expectRefusal(connection, try edited(good) { $0.removeLast(100) }, .malformed, frameID: 10)
    try expectServed(connection, loopback, frameID: 11)

    var unknown = good
    unknown.modelHash = String(repeating: "0", count: 64)
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(unknown)), .unknownModel, frameID: 10)

    var notATensor = good
    notATensor.cut = Cut(crossing: ["nope"])
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(notATensor)), .badCut, frameID: 10)
    // Not closed: the head computes the graph output q2 on the way to y, but q2 does not cross.
    var notClosed = good
    notClosed.cut = Cut(crossing: ["y"])
    notClosed.tensors = []
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(notClosed)), .badCut, frameID: 10)
    var twice = good
    twice.cut = Cut(crossing: ["q1", "q1"])
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(twice)), .badCut, frameID: 10)

    var wrongShape = good
    let q1 = good.tensors[0].tensor
    let small = try Tensor(shape: [1, 8, 4, 4], elementType: .uint8, quantization: q1.quantization)
    wrongShape.tensors = [("q1", small)]
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(wrongShape)), .badTensor, frameID: 10)
    var wrongScale = good
    let rescaled = try Tensor(
      shape: q1.shape, elementType: .uint8, quantization: Quantization(scale: 0.5, zeroPoint: 100))
    wrongScale.tensors = [("q1", rescaled)]
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(wrongScale)), .badTensor, frameID: 10)
    var wrongType = good
    wrongType.tensors = [("q1", try Tensor(shape: q1.shape, elementType: .float32))]
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(wrongType)), .badTensor, frameID: 10)
    var missing = good
    missing.tensors = []
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(missing)), .badTensor, frameID: 10)

    var expired = good
    expired.budgetMicroseconds = 0
    try expectRefusal(connection, try WireCodec.encode(.tailRequest(expired)), .deadlineExpired, frameID: 10)
    try expectRefusal(
      connection, try WireCodec.encode(.tailReply(TailReply(frameID: 4, serverSeconds: 0, outputs: []))),
      .malformed,
      frameID: 4)
    try expectServed(connection, loopback, frameID: 12)
  }

  @Test func framingErrorsCloseOnlyThatConnection() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let bystander = try RawConnection(port: loopback.port)

    // Oversized: a length prefix of 32 MiB is refused before any of its body is read.
    let oversized = try RawConnection(port: loopback.port)
    let prefix = withUnsafeBytes(of: UInt32(32 << 20).littleEndian) { Array($0) }
    try expectRefusal(oversized, prefix + [1, 1, 0, 0], .oversized, frameID: nil)
    #expect(try oversized.readMessage() == nil, "the server closed the connection")

    // Truncated: the stream ends inside a frame (the client half-closes and keeps reading).
    let truncated = try RawConnection(port: loopback.port)
    let frame = try WireCodec.encode(
      .tailRequest(try Loopback.request(loopback.int8, cut: int8Cut, frameID: 3)))
    try truncated.send(Array(frame.prefix(frame.count / 2)))
    truncated.shutdownWrite()
    let reply = try #require(try truncated.readMessage())
    guard case .errorReply(let refusal) = reply else {
      Issue.record("expected an error reply, got \(reply.type)")
      return
    }
    #expect(refusal.code == .malformed)
    #expect(refusal.message.contains("ended inside a message"))
    #expect(try truncated.readMessage() == nil)

    try expectServed(bystander, loopback, frameID: 1)
    try expectServed(try RawConnection(port: loopback.port), loopback, frameID: 2)
  }

  @Test func aFullQueueAnswersOverloadedAndEveryRequestIsAnswered() async throws {
    // One place in the queue, held by a long profile (thousands of timed runs) while five tail
    // requests arrive right behind it on the same connection.
    let loopback = try await Loopback.start(threads: 1) {
      $0.queueLimit = 1
      $0.profileRuns = 20_000
    }
    defer { Task { await loopback.server.stop() } }
    let connection = try RawConnection(port: loopback.port)
    var bytes = try WireCodec.encode(
      .profileRequest(ProfileRequest(requestID: 99, modelHash: loopback.float.hash)))
    for frame in UInt64(1)...5 {
      bytes += try WireCodec.encode(
        .tailRequest(try Loopback.request(loopback.int8, cut: int8Cut, frameID: frame, seed: frame)))
    }
    try connection.send(bytes)
    var answered: Set<UInt64> = []
    var overloaded = 0
    for _ in 0..<6 {
      let reply = try #require(try connection.readMessage())
      switch reply {
      case .errorReply(let refusal):
        #expect(refusal.code == .overloaded, "\(refusal.message)")
        overloaded += 1
      case .profileReply(let profile):
        #expect(profile.profile.model == loopback.float.hash)
      case .tailReply(let tail):
        let expected = try TestModels.deviceOnly(loopback.int8.graph, TestModels.input(seed: tail.frameID))
        #expect(
          TestModels.bytes(Dictionary(uniqueKeysWithValues: tail.outputs.map { ($0.name, $0.tensor) }))
            == expected)
      default: Issue.record("unexpected \(reply.type)")
      }
      if let id = reply.id { answered.insert(id) }
    }
    #expect(answered == [99, 1, 2, 3, 4, 5])
    #expect(overloaded > 0)
    try expectServed(connection, loopback, frameID: 6)
  }

  @Test func sixteenDevicesEachGetTheirOwnFrames() async throws {
    let loopback = try await Loopback.start(threads: 2)
    defer { Task { await loopback.server.stop() } }
    let graph = loopback.int8.graph
    let hash = loopback.int8.hash
    let port = loopback.port
    let cut = int8Cut
    let mismatches = try await withThrowingTaskGroup(of: Int.self) { group in
      for device in 0..<16 {
        group.addTask {
          let client = try await Loopback.client(port: port)
          let executor = try SplitExecutor(
            graph: graph, modelHash: hash, client: client, window: 3, budgetSeconds: 30)
          try await executor.setMode(.split(cut))
          var pending: [PendingFrame] = []
          for frame in 0..<4 {
            let seed = UInt64(device * 100 + frame)
            pending.append(try await executor.submit(frameID: seed, inputs: TestModels.input(seed: seed)))
          }
          var wrong = 0
          for frame in pending {
            let result = await frame.result()
            let expected = try TestModels.deviceOnly(graph, TestModels.input(seed: frame.frameID))
            if result.tailLocation != .cloud || TestModels.bytes(result.outputs) != expected { wrong += 1 }
          }
          await client.close()
          return wrong
        }
      }
      return try await group.reduce(0, +)
    }
    #expect(mismatches == 0)
  }

  @Test func profilesAndProbes() async throws {
    let loopback = try await Loopback.start()
    defer { Task { await loopback.server.stop() } }
    let samples = SampleLog()
    let client = try await Loopback.client(port: loopback.port, samples: samples)
    let profile = try await client.profile(modelHash: loopback.float.hash, timeoutSeconds: 60)
    #expect(profile.model == loopback.float.hash)
    #expect(Set(profile.nodeMilliseconds.keys) == Set(loopback.float.graph.nodes.map(\.name)))
    #expect(profile.nodeMilliseconds.values.allSatisfy { $0 >= 0 })
    let unknown = await #expect(throws: OffloadClientError.self) {
      try await client.profile(modelHash: String(repeating: "1", count: 64), timeoutSeconds: 10)
    }
    #expect(unknown?.refusal?.code == .unknownModel)

    let probe = try await client.ping(payloadBytes: 3000, replyBytes: 5000, timeoutSeconds: 10)
    #expect(probe.bytesUp == 3000 + 18)
    #expect(probe.bytesDown == 5000 + 18)
    #expect(probe.roundTripSeconds > 0)
    #expect(samples.all == [probe])
    await client.close()
  }
}
