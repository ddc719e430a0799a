import Testing

@testable import Engine

/// The reader and writer on their own: varints, fixed values, lengths, tags, groups, nesting,
/// and malformed input, which must give a clear error and never trap.
@Suite struct ProtobufWireFormatTests {
  /// The error decoding `bytes` as `Message` gives, or nil if it decodes.
  static func failure<Message: ProtobufMessage>(
    _ bytes: [UInt8], as _: Message.Type = Onnx_ModelProto.self, maximumDepth: Int = 100
  )
    -> ProtobufError?
  {
    do {
      _ = try Message(serializedBytes: bytes, maximumDepth: maximumDepth)
      return nil
    } catch {
      return error
    }
  }

  @Test func varintsRoundTripAtEveryLength() throws {
    var values: [UInt64] = [
      0, 1, 127, 128, 255, 300, 16_383, 16_384, UInt64(UInt32.max), UInt64(Int64.max), UInt64.max,
    ]
    values += (0..<64).map { UInt64(1) << $0 }
    for value in values {
      var writer = ProtobufWriter()
      writer.writeVarint(value)
      #expect(writer.bytes.count == ProtobufWriter.varintSize(value))
      try writer.bytes.withUnsafeBytes { buffer throws in
        var reader = ProtobufReader(buffer)
        #expect(try reader.readVarint() == value)
        #expect(reader.isAtEnd)
      }
    }
    // Bits past the 64th in a tenth byte are dropped, as protobuf does.
    let tenBytes: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]
    try tenBytes.withUnsafeBytes { buffer throws in
      var reader = ProtobufReader(buffer)
      #expect(try reader.readVarint() == UInt64.max)
    }
  }

  @Test func fixedValuesAreLittleEndian() throws {
    var writer = ProtobufWriter()
    writer.writeFixed32(0x0403_0201)
    writer.writeFixed64(0x0c0b_0a09_0807_0605)
    #expect(writer.bytes == Array(1...12))
    try writer.bytes.withUnsafeBytes { buffer throws in
      var reader = ProtobufReader(buffer)
      #expect(try reader.readFixed32() == 0x0403_0201)
      #expect(try reader.readFixed64() == 0x0c0b_0a09_0807_0605)
      #expect(throws: ProtobufError.self) { try reader.readFixed32() }
    }
  }

  @Test func longMessagesGetMultiByteLengths() throws {
    var graph = Onnx_GraphProto()
    graph.name = String(repeating: "g", count: 20_000)
    var model = Onnx_ModelProto()
    model.graph = graph
    let bytes = model.serializedBytes()
    #expect(bytes.count == 1 + 3 + 1 + 3 + 20_000)
    #expect(try Onnx_ModelProto(serializedBytes: bytes).graph.name.count == 20_000)
  }

  @Test func malformedInputGivesClearErrors() throws {
    let cases: [(bytes: [UInt8], expected: String)] = [
      ([0x08], "a varint is missing at the end of the data, at byte 1 in onnx.ModelProto.ir_version"),
      ([0x08, 0x80], "a varint is cut off by the end of the data, at byte 1 in onnx.ModelProto.ir_version"),
      (
        [0x08] + [UInt8](repeating: 0x80, count: 10) + [0x01],
        "a varint is longer than 10 bytes, at byte 1 in onnx.ModelProto.ir_version"
      ),
      (
        [0x00, 0x01], "a field has the number 0, which protobuf does not allow, at byte 0 in onnx.ModelProto"
      ),
      ([0x0e, 0x01], "field 1 has the wire type 6, which does not exist, at byte 0 in onnx.ModelProto"),
      ([0x0f], "field 1 has the wire type 7, which does not exist, at byte 0 in onnx.ModelProto"),
      ([0x0c], "an end-group tag (field 1) does not close any group, at byte 0 in onnx.ModelProto"),
      (
        [0x0b, 0x08, 0x01],
        "the group of field 1 is not closed before the end of its message, at byte 3 in onnx.ModelProto"
      ),
      (
        [0x0b, 0x14], "an end-group tag for field 2 closes the group of field 1, at byte 1 in onnx.ModelProto"
      ),
      (
        [0x80, 0x80, 0x80, 0x80, 0x80, 0x01],
        "a field tag (34359738368) is larger than 32 bits, at byte 0 in onnx.ModelProto"
      ),
      (
        [0x12, 0x05, 0x61],
        "a length of 5 bytes exceeds the 1 bytes left, at byte 1 in onnx.ModelProto.producer_name"
      ),
      (
        [0x12, 0x02, 0xc3, 0x28],
        "a string field holds 2 bytes that are not valid UTF-8, at byte 1 in onnx.ModelProto.producer_name"
      ),
      (
        [0x3a, 0x03, 0x0a, 0x05, 0x00],
        "a length of 5 bytes exceeds the 1 bytes left, at byte 3 in onnx.ModelProto.graph.node[0]"
      ),
      (
        [0x3a, 0x06, 0x2a, 0x04, 0x22, 0x02, 0x00, 0x00],
        "a packed field of 2 bytes is not a whole number of 4-byte values, at byte 5 in onnx.ModelProto.graph.initializer[0].float_data"
      ),
      (
        [0x3a, 0x05, 0x2a, 0x03, 0x0a, 0x01, 0x80, 0x01],  // packed dims whose varint runs past the field
        "a varint is cut off by the end of the data, at byte 6 in onnx.ModelProto.graph.initializer[0].dims"
      ),
      ([0x15, 0x00, 0x00], "a 4-byte value is cut off: 2 bytes are left, at byte 1 in onnx.ModelProto"),
      (
        [0x12] + [UInt8](repeating: 0xff, count: 9) + [0x01],
        "a length of 18446744073709551615 bytes exceeds the 0 bytes left, at byte 1 in onnx.ModelProto.producer_name"
      ),
    ]
    for (bytes, expected) in cases {
      #expect(Self.failure(bytes)?.description == expected, "\(bytes)")
    }
  }

  @Test func truncationAnywhereIsAnErrorOrAShorterMessage() throws {
    let bytes = ONNXMessageSamples.model.serializedBytes()
    var errors = 0
    for cut in 0..<bytes.count {
      if Self.failure(Array(bytes.prefix(cut))) != nil { errors += 1 }
    }
    #expect(errors > bytes.count / 2)
  }

  /// A TypeProto nested `levels` times through Sequence (two messages per level).
  static func nestedTypes(_ levels: Int) -> [UInt8] {
    var bytes = ONNXMessageSamples.tensorType.serializedBytes()
    for _ in 0..<levels {
      var sequence = ProtobufWriter()
      sequence.writeLengthDelimited(1, bytes)  // Sequence.elem_type
      var type = ProtobufWriter()
      type.writeLengthDelimited(4, sequence.bytes)  // TypeProto.sequence_type
      bytes = type.bytes
    }
    return bytes
  }

  @Test func nestingIsLimited() throws {
    // tensorType nests Tensor > TensorShapeProto > Dimension: 3 levels below the top.
    let deepest = Self.nestedTypes(48)  // 48 * 2 + 3 = 99 levels
    let decoded = try Onnx_TypeProto(serializedBytes: deepest)
    #expect(decoded.serializedBytes() == deepest)
    #expect(
      try Onnx_TypeProto(serializedBytes: Self.nestedTypes(48), maximumDepth: 99).serializedBytes() == deepest
    )
    let error = Self.failure(Self.nestedTypes(49), as: Onnx_TypeProto.self)
    #expect(error?.reason == "messages are nested deeper than 100 levels")
    #expect(error?.path.prefix(3) == ["onnx.TypeProto", "sequence_type", "elem_type"])
    // Far deeper input is refused the same way, without exhausting the stack.
    #expect(
      Self.failure(Self.nestedTypes(2_000), as: Onnx_TypeProto.self)?.reason
        == "messages are nested deeper than 100 levels")
    // Groups (skipped as unknown fields) are limited too, and skipped without recursion.
    let groups = [UInt8](repeating: 0x0b, count: 100_000) + [UInt8](repeating: 0x0c, count: 100_000)
    #expect(
      Self.failure(groups, as: Onnx_TensorProto.self)?.reason == "groups are nested deeper than 100 levels")
    let fewGroups =
      [UInt8](repeating: 0x0b, count: 100) + [UInt8](repeating: 0x0c, count: 100) + [0x10, 0x01]
    #expect(try Onnx_TensorProto(serializedBytes: fewGroups).dataType == 1)
  }

  @Test func hugeCountsAreCheckedBeforeAnythingIsAllocated() throws {
    // A packed double_data claiming 2^60 bytes, and a raw_data claiming 2^62.
    let packed: [UInt8] = [0x52, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00]
    #expect(
      Self.failure(packed, as: Onnx_TensorProto.self)?.reason.hasPrefix(
        "a length of 1152921504606846976 bytes exceeds") == true)
    let raw: [UInt8] = [0x4a, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]
    #expect(
      Self.failure(raw, as: Onnx_TensorProto.self)?.reason.hasPrefix(
        "a length of 4611686018427387904 bytes exceeds") == true)
  }
}
