import Testing

@testable import Engine

@Suite(.serialized) struct TensorPacketTests {
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
    #expect(packet.count == features.elementCount + 4 + 1 + 2 + 2 + 8 + 2 + 4 * 4 + 2 + 1 + 4 + 4 + 1)
    let float = try Self.tensor(.float32, [1, 64, 24, 40], seed: 9)
    #expect(try TensorPacket.encode([("features", float)]).count > 3 * packet.count)
  }

  /// Expects `bytes` to be refused with an error whose text contains `fragment`.
  static func refused(_ bytes: [UInt8], _ fragment: String, limits: TensorPacket.Limits = .init()) {
    do {
      _ = try TensorPacket.decode(bytes, limits: limits)
      Issue.record("accepted a malformed packet (\(fragment))")
    } catch {
      #expect(error.description.contains(fragment), "\(error)")
    }
  }

  @Test func refusesMalformedPackets() throws {
    let good = try TensorPacket.encode(try Self.sample())
    let refused = { Self.refused($0, $1) }
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
  @Test(arguments: [false, true]) func survivesRandomMutations(compressed: Bool) throws {
    var tensors = Array(try Self.sample().prefix(4))
    if compressed { tensors.insert(("frame", try Self.picture(.uint8, [1, 2, 12, 20], seed: 3)), at: 0) }
    let good = try TensorPacket.encode(tensors, compressing: compressed ? ["frame", "features"] : [])
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

  /// A smooth picture: gradients, an edge and a little texture, like a camera frame's planes.
  static func picture(_ type: ElementType, _ shape: [Int], seed: UInt64) throws -> Tensor {
    let tensor = try Tensor(
      shape: shape, elementType: type, quantization: .init(scale: 1.0 / 255, zeroPoint: 0))
    var random = SeededRandom(seed)
    let width = shape.last ?? 1
    tensor.mutableBytes.withMemoryRebound(to: UInt8.self) { bytes in
      for index in bytes.indices {
        let column = index % width
        let row = index / width
        let base = (column * 3 + row * 2) / 5 + (column > width / 2 ? 90 : 0)
        bytes[index] = UInt8(truncatingIfNeeded: base + Int(random.next() % 3))
      }
    }
    return tensor
  }

  /// Compressed 8-bit tensors come back bit for bit, whatever their shape (one row, one
  /// element, odd widths, planes of one column, int8 with its sign), at a fraction of the size
  /// on a smooth picture; tensors that are not 8-bit travel raw even when asked.
  @Test func compressedTensorsRoundTripLosslessly() throws {
    var random = SeededRandom(77)
    var cases: [(name: String, tensor: Tensor)] = [
      ("frame", try Self.picture(.uint8, [1, 3, 48, 80], seed: 1)),
      ("signed", try Self.picture(.int8, [2, 5, 7], seed: 2)),
      (
        "noise",
        try Self.tensor(.uint8, [1, 13, 9, 11], quantization: .init(scale: 0.1, zeroPoint: 3), seed: 3)
      ),
      ("row", try Self.tensor(.int8, [37], quantization: .init(scale: 0.1, zeroPoint: -4), seed: 4)),
      ("one", try Self.tensor(.uint8, [1, 1, 1, 1], quantization: .init(scale: 1, zeroPoint: 0), seed: 5)),
      ("column", try Self.tensor(.uint8, [2, 9, 1], quantization: .init(scale: 1, zeroPoint: 0), seed: 6)),
      ("empty", try Self.tensor(.uint8, [0, 4], quantization: .init(scale: 1, zeroPoint: 0), seed: 7)),
      ("float", try Self.tensor(.float32, [3, 4], seed: 8)),
    ]
    for round in 0..<20 {
      let shape = (0..<(1 + Int(random.next() % 4))).map { _ in 1 + Int(random.next() % 9) }
      cases.append(
        (
          "random\(round)",
          try Self.tensor(
            round % 2 == 0 ? .uint8 : .int8, shape, quantization: .init(scale: 0.5, zeroPoint: 0),
            seed: 100 + UInt64(round))
        ))
    }
    let packet = try TensorPacket.encode(cases, compressing: Set(cases.map(\.name)))
    let decoded = try TensorPacket.decode(packet)
    #expect(decoded.map(\.name) == cases.map(\.name))
    for (original, copy) in zip(cases, decoded) {
      #expect(copy.tensor.shape == original.tensor.shape, "\(original.name)")
      #expect(copy.tensor.quantization == original.tensor.quantization, "\(original.name)")
      #expect(Array(copy.tensor.bytes) == Array(original.tensor.bytes), "\(original.name)")
    }
    let frame = cases[0]
    let raw = try TensorPacket.encode([frame]).count
    let compressed = try TensorPacket.encode([frame], compressing: ["frame"]).count
    #expect(compressed * 3 < raw, "a smooth picture compresses: \(compressed) of \(raw) bytes")
  }

  /// Hostile compressed data: a stream that inflates to more or less than the tensor, a corrupt
  /// stream, a length past the packet, a claim of more bytes than deflate can expand to, a
  /// compressed float tensor and an unknown encoding are all refused with an error.
  @Test func refusesMalformedCompressedTensors() throws {
    let frame = try Self.picture(.uint8, [1, 1, 16, 16], seed: 9)
    let good = try TensorPacket.encode([("f", frame)], compressing: ["f"])
    // magic 4, version 1, count 2, name 2+1, type 1, rank 1, dims 16, scales 2+1+4+4.
    let encodingAt = 4 + 1 + 2 + 2 + 1 + 1 + 1 + 16 + 2 + 1 + 4 + 4
    #expect(good[encodingAt] == 1)
    let refused = { Self.refused($0, $1) }
    var unknown = good
    unknown[encodingAt] = 7
    refused(unknown, "unknown encoding")
    var longer = good
    longer[encodingAt + 1] &+= 1
    refused(longer, "compressed bytes")
    // The same stream declared for a larger tensor: it ends early.
    var taller = good
    taller[4 + 1 + 2 + 2 + 1 + 1 + 1 + 8] = 32
    refused(taller, "ends after")
    var corrupt = good
    for index in (encodingAt + 5)..<corrupt.count { corrupt[index] ^= 0x5A }
    #expect(throws: GraphError.self) { try TensorPacket.decode(corrupt) }
    var bomb = good
    bomb[4 + 1 + 2 + 2 + 1 + 1 + 1 + 4] = 0xFF
    bomb[4 + 1 + 2 + 2 + 1 + 1 + 1 + 5] = 0xFF
    refused(bomb, "claims")
    let float = try TensorPacket.encode([("x", try Self.tensor(.float32, [2, 2], seed: 1))])
    var floatCompressed = Array(float.prefix(float.count - 16))
    floatCompressed[floatCompressed.count - 1] = 1
    refused(floatCompressed + [16, 0, 0, 0] + [UInt8](repeating: 0, count: 16), "never compressed")
    // Small on the wire, large once inflated: the decoded total is bounded too.
    let flat = try Tensor(
      shape: [1, 1, 64, 64], elementType: .uint8, quantization: .init(scale: 1, zeroPoint: 0))
    let small = try TensorPacket.encode([("a", flat), ("b", flat)], compressing: ["a", "b"])
    var limits = TensorPacket.Limits()
    limits.maximumBytes = 6000
    #expect(small.count < 500)
    Self.refused(small, "more than the limit", limits: limits)
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
