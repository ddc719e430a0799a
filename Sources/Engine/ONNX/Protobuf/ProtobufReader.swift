/// Reads the protobuf wire format from memory it does not own (see
/// `ProtobufMessage.init(serializedBytes:)`, which lends it the bytes of an array).
///
/// Every read is checked against the end of the current message: a length, a count or a
/// varint that runs past it, a field number of 0, a wire type of 6 or 7, a stray end-group tag,
/// an unterminated group or messages nested deeper than `maximumDepth` throw a
/// `ProtobufError` naming the byte offset. Nothing here traps on malformed input.
public struct ProtobufReader {
  /// Protobuf's own default limit on nested messages (C++ and swift-protobuf use 100 too).
  public static let defaultMaximumDepth = 100

  private let buffer: UnsafeRawBufferPointer
  /// Offset of the next byte to read, from the start of the whole input.
  public private(set) var position: Int
  /// Offset just past the current message (or packed field).
  private let end: Int
  /// How many length-delimited messages enclose the one being read.
  public let depth: Int
  /// How deep messages (and groups) may be nested.
  public let maximumDepth: Int

  /// A reader of the whole of `buffer`, which must stay valid while the reader is used.
  public init(_ buffer: UnsafeRawBufferPointer, maximumDepth: Int = ProtobufReader.defaultMaximumDepth) {
    self.init(buffer, position: 0, end: buffer.count, depth: 0, maximumDepth: maximumDepth)
  }

  private init(_ buffer: UnsafeRawBufferPointer, position: Int, end: Int, depth: Int, maximumDepth: Int) {
    self.buffer = buffer
    self.position = position
    self.end = end
    self.depth = depth
    self.maximumDepth = maximumDepth
  }

  /// Bytes left in the current message.
  public var remaining: Int { end - position }

  public var isAtEnd: Bool { position >= end }

  private func failure(_ reason: String, at offset: Int) -> ProtobufError {
    ProtobufError(reason, offset: offset)
  }

  // MARK: - Primitives

  /// A base-128 varint of at most 10 bytes (bits past the 64th are dropped, as protobuf does).
  public mutating func readVarint() throws(ProtobufError) -> UInt64 {
    let start = position
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      guard position < end else {
        throw failure(
          position == start
            ? "a varint is missing at the end of the data" : "a varint is cut off by the end of the data",
          at: start)
      }
      let byte = buffer[position]
      position += 1
      result |= UInt64(byte & 0x7f) &<< shift
      if byte < 0x80 { return result }
      shift += 7
      guard shift < 70 else { throw failure("a varint is longer than 10 bytes", at: start) }
    }
  }

  /// A little-endian 32-bit value.
  public mutating func readFixed32() throws(ProtobufError) -> UInt32 {
    guard remaining >= 4 else {
      throw failure("a 4-byte value is cut off: \(remaining) bytes are left", at: position)
    }
    let value = UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self))
    position += 4
    return value
  }

  /// A little-endian 64-bit value.
  public mutating func readFixed64() throws(ProtobufError) -> UInt64 {
    guard remaining >= 8 else {
      throw failure("an 8-byte value is cut off: \(remaining) bytes are left", at: position)
    }
    let value = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    position += 8
    return value
  }

  /// The length prefix of a length-delimited value, checked against the bytes left.
  public mutating func readLength() throws(ProtobufError) -> Int {
    let start = position
    let length = try readVarint()
    guard length <= UInt64(remaining) else {
      throw failure("a length of \(length) bytes exceeds the \(remaining) bytes left", at: start)
    }
    return Int(length)
  }

  /// A length-delimited value's bytes, valid as long as the reader's buffer.
  public mutating func readLengthDelimited() throws(ProtobufError) -> UnsafeRawBufferPointer {
    let length = try readLength()
    let bytes = UnsafeRawBufferPointer(rebasing: buffer[position..<position + length])
    position += length
    return bytes
  }

  /// A length-delimited value as a UTF-8 string; invalid UTF-8 is refused, as swift-protobuf does.
  public mutating func readString() throws(ProtobufError) -> String {
    let start = position
    let bytes = try readLengthDelimited()
    guard let string = String(validating: bytes, as: UTF8.self) else {
      throw failure("a string field holds \(bytes.count) bytes that are not valid UTF-8", at: start)
    }
    return string
  }

  // MARK: - Fields

  /// The next field's tag, or nil at the end of the current message.
  public mutating func nextField() throws(ProtobufError) -> ProtobufField? {
    guard position < end else { return nil }
    let start = position
    let field = try readTag()
    guard field.wireType != .endGroup else {
      throw failure("an end-group tag (field \(field.number)) does not close any group", at: start)
    }
    return field
  }

  private mutating func readTag() throws(ProtobufError) -> ProtobufField {
    let start = position
    let tag = try readVarint()
    guard tag <= UInt64(UInt32.max) else {
      throw failure("a field tag (\(tag)) is larger than 32 bits", at: start)
    }
    let number = Int(tag >> 3)
    guard number > 0 else {
      throw failure("a field has the number 0, which protobuf does not allow", at: start)
    }
    guard let wireType = ProtobufWireType(rawValue: UInt8(tag & 7)) else {
      throw failure("field \(number) has the wire type \(tag & 7), which does not exist", at: start)
    }
    return ProtobufField(number: number, wireType: wireType)
  }

  /// Skips the value of `field`, whose tag was just read (an unknown field, or a known field of
  /// an unexpected wire type). Groups are skipped whole, nested ones included.
  public mutating func skip(_ field: ProtobufField) throws(ProtobufError) {
    switch field.wireType {
    case .varint: _ = try readVarint()
    case .fixed64: _ = try readFixed64()
    case .fixed32: _ = try readFixed32()
    case .lengthDelimited: position += try readLength()
    case .startGroup: try skipGroup(field.number)
    case .endGroup:
      throw failure("an end-group tag (field \(field.number)) does not close any group", at: position)
    }
  }

  /// Skips the fields of a group up to its end-group tag; iterative, so nesting costs no stack.
  private mutating func skipGroup(_ number: Int) throws(ProtobufError) {
    var open = [number]
    while let innermost = open.last {
      guard position < end else {
        throw failure(
          "the group of field \(number) is not closed before the end of its message", at: position)
      }
      let start = position
      let field = try readTag()
      switch field.wireType {
      case .startGroup:
        guard depth + open.count < maximumDepth else {
          throw failure("groups are nested deeper than \(maximumDepth) levels", at: start)
        }
        open.append(field.number)
      case .endGroup:
        guard field.number == innermost else {
          throw failure(
            "an end-group tag for field \(field.number) closes the group of field \(innermost)", at: start)
        }
        open.removeLast()
      default:
        try skip(field)
      }
    }
  }

  /// Reads a length-delimited message and merges it into `message`.
  public mutating func readMessage<Message: ProtobufMessage>(into message: inout Message)
    throws(ProtobufError)
  {
    let start = position
    let length = try readLength()
    guard depth < maximumDepth else {
      throw failure("messages are nested deeper than \(maximumDepth) levels", at: start)
    }
    var inner = ProtobufReader(
      buffer, position: position, end: position + length, depth: depth + 1, maximumDepth: maximumDepth)
    try message.merge(from: &inner)
    position += length
  }

  /// A reader of the next length-delimited value alone (a packed repeated field); this reader
  /// moves past it.
  mutating func readPacked() throws(ProtobufError) -> ProtobufReader {
    let length = try readLength()
    let packed = ProtobufReader(
      buffer, position: position, end: position + length, depth: depth, maximumDepth: maximumDepth)
    position += length
    return packed
  }

  /// Runs `body`, naming the field `name` in the error it throws.
  mutating func within<Result>(
    _ name: @autoclosure () -> String, _ body: (inout ProtobufReader) throws(ProtobufError) -> Result
  ) throws(ProtobufError) -> Result {
    do throws(ProtobufError) {
      return try body(&self)
    } catch {
      throw error.inside(name())
    }
  }
}
