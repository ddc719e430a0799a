/// Writes the protobuf wire format. Field writers skip absent (nil) singular fields and empty
/// repeated ones; a message's fields are written in the order its `encode(to:)` calls them,
/// which is ascending field number, so the bytes match what protobuf's C++ and Python
/// implementations write for the same message.
public struct ProtobufWriter {
  /// What has been written.
  public private(set) var bytes: [UInt8] = []

  public init() {}

  // MARK: - Primitives

  public mutating func writeVarint(_ value: UInt64) {
    var rest = value
    while rest >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
      rest >>= 7
    }
    bytes.append(UInt8(rest))
  }

  /// How many bytes `writeVarint(value)` writes.
  public static func varintSize(_ value: UInt64) -> Int {
    value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
  }

  public mutating func writeTag(_ number: Int, _ wireType: ProtobufWireType) {
    writeVarint(UInt64(number) << 3 | UInt64(wireType.rawValue))
  }

  public mutating func writeFixed32(_ value: UInt32) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  public mutating func writeFixed64(_ value: UInt64) {
    withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
  }

  /// A length-delimited field.
  public mutating func writeLengthDelimited(_ number: Int, _ payload: some Collection<UInt8>) {
    writeTag(number, .lengthDelimited)
    writeVarint(UInt64(payload.count))
    bytes.append(contentsOf: payload)
  }

  /// A message field: the message is written in place, then its length is put in front.
  public mutating func writeMessage<Message: ProtobufMessage>(_ number: Int, _ message: Message) {
    writeTag(number, .lengthDelimited)
    let lengthOffset = bytes.count
    bytes.append(0)  // most messages are shorter than 128 bytes, whose length takes one byte
    message.encode(to: &self)
    let length = bytes.count - lengthOffset - 1
    if length < 0x80 {
      bytes[lengthOffset] = UInt8(length)
    } else {
      var prefix = ProtobufWriter()
      prefix.writeVarint(UInt64(length))
      bytes.replaceSubrange(lengthOffset..<lengthOffset + 1, with: prefix.bytes)
    }
  }

  // MARK: - Singular fields (nil: not written)

  public mutating func write(_ number: Int, _ value: Int64?) {
    guard let value else { return }
    writeTag(number, .varint)
    writeVarint(UInt64(bitPattern: value))
  }

  /// int32: negative values are sign-extended to ten bytes, as protobuf does.
  public mutating func write(_ number: Int, _ value: Int32?) {
    guard let value else { return }
    writeTag(number, .varint)
    writeVarint(UInt64(bitPattern: Int64(value)))
  }

  public mutating func write(_ number: Int, _ value: Float?) {
    guard let value else { return }
    writeTag(number, .fixed32)
    writeFixed32(value.bitPattern)
  }

  public mutating func write(_ number: Int, _ value: String?) {
    guard let value else { return }
    writeLengthDelimited(number, value.utf8)
  }

  public mutating func write(_ number: Int, _ value: [UInt8]?) {
    guard let value else { return }
    writeLengthDelimited(number, value)
  }

  public mutating func writeEnum<Enum: RawRepresentable>(_ number: Int, _ value: Enum?)
  where Enum.RawValue == Int {
    guard let value else { return }
    writeTag(number, .varint)
    writeVarint(UInt64(bitPattern: Int64(value.rawValue)))
  }

  public mutating func write<Message: ProtobufMessage>(_ number: Int, _ value: Message?) {
    guard let value else { return }
    writeMessage(number, value)
  }

  mutating func write<Message: ProtobufMessage>(_ number: Int, _ value: ProtobufBox<Message>?) {
    guard let value else { return }
    writeMessage(number, value.value)
  }

  // MARK: - Repeated fields (empty: not written)

  /// Varints, packed into one length-delimited field or each under its own tag.
  private mutating func writeVarints(_ number: Int, _ values: [UInt64], packed: Bool) {
    guard !values.isEmpty else { return }
    if packed {
      writeTag(number, .lengthDelimited)
      writeVarint(UInt64(values.reduce(0) { $0 + Self.varintSize($1) }))
      for value in values { writeVarint(value) }
    } else {
      for value in values {
        writeTag(number, .varint)
        writeVarint(value)
      }
    }
  }

  public mutating func write(_ number: Int, _ values: [Int64], packed: Bool) {
    writeVarints(number, values.map { UInt64(bitPattern: $0) }, packed: packed)
  }

  public mutating func write(_ number: Int, _ values: [Int32], packed: Bool) {
    writeVarints(number, values.map { UInt64(bitPattern: Int64($0)) }, packed: packed)
  }

  public mutating func write(_ number: Int, _ values: [UInt64], packed: Bool) {
    writeVarints(number, values, packed: packed)
  }

  public mutating func write(_ number: Int, _ values: [Float], packed: Bool) {
    guard !values.isEmpty else { return }
    if packed {
      writeTag(number, .lengthDelimited)
      writeVarint(UInt64(values.count * 4))
      for value in values { writeFixed32(value.bitPattern) }
    } else {
      for value in values {
        writeTag(number, .fixed32)
        writeFixed32(value.bitPattern)
      }
    }
  }

  public mutating func write(_ number: Int, _ values: [Double], packed: Bool) {
    guard !values.isEmpty else { return }
    if packed {
      writeTag(number, .lengthDelimited)
      writeVarint(UInt64(values.count * 8))
      for value in values { writeFixed64(value.bitPattern) }
    } else {
      for value in values {
        writeTag(number, .fixed64)
        writeFixed64(value.bitPattern)
      }
    }
  }

  public mutating func write(_ number: Int, _ values: [String]) {
    for value in values { writeLengthDelimited(number, value.utf8) }
  }

  public mutating func write(_ number: Int, _ values: [[UInt8]]) {
    for value in values { writeLengthDelimited(number, value) }
  }

  public mutating func write<Message: ProtobufMessage>(_ number: Int, _ values: [Message]) {
    for value in values { writeMessage(number, value) }
  }
}
