import Testing

@testable import Engine

@Suite struct TensorPacketTests {
  static func tensor(_ type: ElementType, _ shape: [Int], quantization: Quantization? = nil, seed: UInt64)
    throws -> Tensor
  {
    let tensor = try Tensor(shape: shape, elementType: type, quantization: quantization)
    var random = SeededRandom(seed)
    tensor.mutableBytes.withMemoryRebound(to: UInt8.self) { bytes in
      for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: random.next()) }
    }
    return tensor
  }

  static func sample() throws -> [(name: String, tensor: Tensor)] {
    [
      (
        "features",
        try tensor(.uint8, [1, 64, 24, 40], quantization: .init(scale: 0.023, zeroPoint: 3), seed: 1)
      ),
      (
        "signed",
        try tensor(
          .int8, [1, 3, 2, 2],
          quantization: .init(scales: [0.1, 0.2, 0.3], zeroPoints: [0, -1, 5], axis: 1), seed: 2)
      ),
      ("logits", try tensor(.float32, [1, 9, 12, 20], seed: 3)),
      ("indices", try tensor(.int32, [7], seed: 4)),
      ("scalar", try tensor(.float32, [], seed: 5)),
      ("empty", try tensor(.uint8, [0, 4], quantization: .init(scale: 1, zeroPoint: 0), seed: 6)),
    ]
  }

  @Test func roundTripsEveryTypeShapeAndQuantization() throws {
    let tensors = try Self.sample()
    let decoded = try TensorPacket.decode(try TensorPacket.encode(tensors))
    #expect(decoded.map(\.name) == tensors.map(\.name))
    for (original, copy) in zip(tensors, decoded) {
      #expect(copy.tensor.shape == original.tensor.shape, "\(original.name)")
      #expect(copy.tensor.elementType == original.tensor.elementType, "\(original.name)")
      #expect(copy.tensor.quantization == original.tensor.quantization, "\(original.name)")
      #expect(Array(copy.tensor.bytes) == Array(original.tensor.bytes), "\(original.name)")
    }
  }

  /// Quantized tensors cost one byte per element plus a fixed header: the point of sending int8.
  @Test func quantizedTensorsTravelAsOneBytePerElement() throws {
    let features = try Self.tensor(
      .uint8, [1, 64, 24, 40], quantization: .init(scale: 0.5, zeroPoint: 0), seed: 9)
    let packet = try TensorPacket.encode([("features", features)])
    #expect(packet.count == features.elementCount + 4 + 1 + 2 + 2 + 8 + 2 + 4 * 4 + 2 + 1 + 4 + 4)
    let float = try Self.tensor(.float32, [1, 64, 24, 40], seed: 9)
    #expect(try TensorPacket.encode([("features", float)]).count > 3 * packet.count)
  }

  @Test func refusesMalformedPackets() throws {
    let good = try TensorPacket.encode(try Self.sample())
    func refused(_ bytes: [UInt8], _ fragment: String) {
      do {
        _ = try TensorPacket.decode(bytes)
        Issue.record("accepted a malformed packet (\(fragment))")
      } catch {
        #expect(error.description.contains(fragment), "\(error)")
      }
    }
    refused(Array(good.dropLast()), "truncated")
    refused(good + [0], "after its last tensor")
    refused([0x48, 0x59, 0x54, 0x51] + good.dropFirst(4), "magic")
    var version = good
    version[4] = 9
    refused(version, "version")
    var count = good
    count[5] = 0xFF
    count[6] = 0xFF
    refused(count, "limit")
    // A shape whose element count overflows, and one that claims more data than remains.
    let huge =
      TensorPacket.magic + [1, 1, 0, 1, 0, 0x61, 0, 2] + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + [
        0, 0, 0xFF,
      ]
    refused(huge, "too large")
    let short = TensorPacket.magic + [1, 1, 0, 1, 0, 0x61, 0, 1, 0x10, 0, 0, 0, 0, 0, 0xFF, 1, 2, 3]
    refused(short, "needs 64 bytes")
    var limits = TensorPacket.Limits()
    limits.maximumBytes = 100
    #expect(throws: GraphError.self) { try TensorPacket.decode(good, limits: limits) }
  }

  /// Hostile input: truncations and random byte changes decode or fail with an error, never crash.
  @Test func survivesRandomMutations() throws {
    let good = try TensorPacket.encode(Array(try Self.sample().prefix(4)))
    var random = SeededRandom(2026)
    var failures = 0
    for round in 0..<3000 {
      var bytes = good
      if round % 3 == 0 {
        bytes = Array(bytes.prefix(Int(random.next() % UInt64(bytes.count))))
      } else {
        for _ in 0..<(1 + Int(random.next() % 4)) {
          // Mostly the header, where the counts and shapes are.
          let index = Int(random.next() % UInt64(min(bytes.count, round % 2 == 0 ? 120 : bytes.count)))
          bytes[index] = UInt8(truncatingIfNeeded: random.next())
        }
      }
      do {
        _ = try TensorPacket.decode(bytes)
      } catch {
        failures += 1
      }
    }
    #expect(failures > 1000, "most mutations are refused")
  }

  /// A cut through the int8 detector: the head's crossing tensors, packed and unpacked, feed the
  /// tail, whose outputs equal the whole model's bit for bit; the packet is int8-sized.
  @Test func carriesACutOfTheInt8Detector() throws {
    let fixture = try DetectorFixture.load()
    let graph = try importONNX(path: fixture.modelPath("u8s8"))
    let adds = graph.nodes.filter { $0.op == "QLinearAdd" }
    let crossing = try #require(adds.dropFirst(2).first?.outputs.first)
    // Everything after that residual add depends on it alone except the graph outputs' own paths.
    let cut = Cut(crossing: [crossing])
    let head = try CompiledModel.part(.head, of: graph, cut: cut)
    let tail = try CompiledModel.part(.tail, of: graph, cut: cut)
    let whole = try CompiledModel(graph: graph)
    let input = [fixture.manifest.input.name: try fixture.input(0)]
    let headOutputs = try head.run(input)
    let packet = try TensorPacket.encode(head.graph.outputs.map { ($0, headOutputs[$0]!) })
    let crossed = try #require(headOutputs[crossing])
    #expect(crossed.elementType == .uint8)
    #expect(packet.count < crossed.elementCount + 128)
    let received = Dictionary(
      uniqueKeysWithValues: try TensorPacket.decode(packet).map { ($0.name, $0.tensor) })
    let tailOutputs = try tail.run(received)
    let expected = try whole.run(input)
    for name in graph.outputs {
      #expect(
        Array(try #require(tailOutputs[name]).bytes) == Array(try #require(expected[name]).bytes), "\(name)")
    }
  }
}
