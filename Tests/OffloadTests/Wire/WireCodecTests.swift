import Engine
import Testing

@testable import Offload

@Suite struct WireCodecTests {
  @Test func everyMessageRoundTrips() throws {
    for message in try WireSamples.messages() {
      let frame = try WireCodec.encode(message)
      let decoded = try WireCodec.decode(frame: frame)
      #expect(decoded.type == message.type)
      #expect(decoded.id == message.id)
      #expect(try WireCodec.encode(decoded) == frame, "\(message.type) re-encodes to the same bytes")
      switch (message, decoded) {
      case (.tailRequest(let sent), .tailRequest(let got)):
        #expect(got.modelHash == sent.modelHash)
        #expect(got.cut == sent.cut)
        #expect(got.budgetMicroseconds == 250_000)
        #expect(got.tensors.map(\.name) == sent.tensors.map(\.name))
        #expect(WireSamples.bytes(got.tensors) == WireSamples.bytes(sent.tensors))
        #expect(got.tensors.map(\.tensor.quantization) == sent.tensors.map(\.tensor.quantization))
      case (.tailReply(let sent), .tailReply(let got)):
        #expect(abs(got.serverSeconds - sent.serverSeconds) < 1e-9)
        #expect(WireSamples.bytes(got.outputs) == WireSamples.bytes(sent.outputs))
      case (.errorReply(let sent), .errorReply(let got)): #expect(got == sent)
      case (.profileRequest(let sent), .profileRequest(let got)): #expect(got == sent)
      case (.profileReply(let sent), .profileReply(let got)): #expect(got == sent)
      case (.ping(let sent), .ping(let got)): #expect(got == sent)
      case (.pong(let sent), .pong(let got)): #expect(got == sent)
      default: Issue.record("\(message.type) decoded as \(decoded.type)")
      }
    }
  }

  @Test func theLengthIsCheckedBeforeTheBody() {
    var limits = WireLimits()
    limits.maximumMessageBytes = 1000
    #expect(throws: WireError(.oversized, "message of 1001 bytes exceeds the limit of 1000")) {
      try WireCodec.frameBytes(length: 997, limits: limits)
    }
    #expect(throws: WireError(.oversized, "message of 4294967299 bytes exceeds the limit of 1000")) {
      try WireCodec.frameBytes(length: UInt32.max, limits: limits)
    }
    #expect((try? WireCodec.frameBytes(length: 996, limits: limits)) == 1000)
    #expect(throws: WireError.self) { try WireCodec.frameBytes(length: 1, limits: limits) }
  }

  @Test func theEncoderRefusesWhatTheDecoderWould() throws {
    var limits = WireLimits()
    limits.maximumMessageBytes = 200
    let big = try Tensor(shape: [1000], elementType: .float32)
    let request = TailRequest(
      frameID: 5, modelHash: WireSamples.hash, cut: Cut(crossing: ["x"]), budgetMicroseconds: 1,
      tensors: [("x", big)])
    let error = #expect(throws: WireError.self) {
      try WireCodec.encode(.tailRequest(request), limits: limits)
    }
    #expect(error?.code == .oversized)
    #expect(error?.frameID == 5)
    let badHash = TailRequest(
      frameID: 5, modelHash: "xyz", cut: Cut(crossing: []), budgetMicroseconds: 1, tensors: [])
    #expect(
      (#expect(throws: WireError.self) { try WireCodec.encode(.tailRequest(badHash)) })?.code == .malformed)
  }

  /// Decodes a request whose body was edited by `edit` (the frame length is fixed up after).
  func decodeEdited(_ edit: (inout [UInt8]) -> Void, limits: WireLimits = WireLimits()) throws -> WireMessage
  {
    var frame = try WireCodec.encode(try WireSamples.messages()[0])
    edit(&frame)
    let length = UInt32(frame.count - 4)
    withUnsafeBytes(of: length.littleEndian) { frame.replaceSubrange(0..<4, with: $0) }
    return try WireCodec.decode(frame: frame, limits: limits)
  }

  @Test func badHeadersCountsAndNamesAreRefusedWithTheFrameID() throws {
    let version = #expect(throws: WireError.self) { try decodeEdited { $0[4] = 9 } }
    #expect(version?.code == .malformed)
    #expect(version?.message.contains("version 9") == true)
    let type = #expect(throws: WireError.self) { try decodeEdited { $0[5] = 200 } }
    #expect(type?.message.contains("unknown message type 200") == true)
    // The cut count sits after length, version, type, frame id, hash and budget.
    let countOffset = 6 + 8 + 32 + 8
    let count = #expect(throws: WireError.self) {
      try decodeEdited {
        $0[countOffset] = 0xFF; $0[countOffset + 1] = 0xFF
      }
    }
    #expect(count?.code == .malformed)
    #expect(count?.frameID == 42)
    #expect(count?.message.contains("65535 tensors exceeds the limit of 64") == true)
    let name = #expect(throws: WireError.self) {
      try decodeEdited {
        $0[countOffset + 2] = 0xFF; $0[countOffset + 3] = 0x7F
      }
    }
    #expect(name?.message.contains("exceeds the limit of 256") == true)
    let trailing = #expect(throws: WireError.self) { try decodeEdited { $0.append(0) } }
    #expect(trailing?.code == .malformed)
    let truncated = #expect(throws: WireError.self) { try decodeEdited { $0.removeLast(3) } }
    #expect(truncated?.code == .malformed)
    #expect(truncated?.frameID == 42)
    var few = WireLimits()
    few.maximumTensors = 2
    let tensors = #expect(throws: WireError.self) { try decodeEdited({ _ in }, limits: few) }
    #expect(tensors?.message.contains("limit") == true)
  }

  /// Bounded random mutation: every mutant of a valid message is either refused with a
  /// `WireError` or decodes to a message that itself round-trips; never a crash or a hang.
  @Test func mutatedMessagesAreRefusedOrDecodeCleanly() throws {
    var limits = WireLimits()
    limits.maximumMessageBytes = 1 << 16
    let frames = try WireSamples.messages().map { try WireCodec.encode($0) }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Int {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(truncatingIfNeeded: state >> 1)
    }
    var decoded = 0
    var refused = 0
    for iteration in 0..<4000 {
      var frame = frames[iteration % frames.count]
      for _ in 0..<(1 + next() % 4) {
        switch next() % 4 {
        case 0: frame[next() % frame.count] = UInt8(truncatingIfNeeded: next())
        case 1: frame[next() % frame.count] ^= UInt8(1 << (next() % 8))
        case 2: frame.removeLast(min(frame.count - 1, next() % 16))
        default: frame.insert(UInt8(truncatingIfNeeded: next()), at: next() % frame.count)
        }
      }
      // Half the mutants keep a consistent length prefix, so the body decoder sees them.
      if iteration % 2 == 0, frame.count >= 4 {
        withUnsafeBytes(of: UInt32(frame.count - 4).littleEndian) { frame.replaceSubrange(0..<4, with: $0) }
      }
      do {
        let message = try WireCodec.decode(frame: frame, limits: limits)
        let again = try WireCodec.decode(frame: try WireCodec.encode(message, limits: limits), limits: limits)
        #expect(again.type == message.type && again.id == message.id)
        decoded += 1
      } catch {
        refused += 1
      }
    }
    #expect(decoded > 0, "some mutants (e.g. changed tensor bytes) are still valid messages")
    #expect(refused > 0)
  }
}
