/// Field readers for message decoders: each takes the field's tag as read by `nextField()` and
/// its name (for errors), and skips the value as an unknown field when the wire type is not one
/// the field's type allows. Singular fields are optionals (nil: not present); a repeated scalar
/// is read packed or unpacked, whichever the wire type says.
extension ProtobufReader {
  /// True when `field` has the wire type `expected`; otherwise skips it.
  private mutating func accept(_ field: ProtobufField, _ expected: ProtobufWireType) throws(ProtobufError)
    -> Bool
  {
    if field.wireType == expected { return true }
    try skip(field)
    return false
  }

  // MARK: - Singular scalars

  /// int64 (varint).
  public mutating func read(_ value: inout Int64?, _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .varint) else { return }
    value = Int64(bitPattern: try within(name) { reader throws(ProtobufError) in try reader.readVarint() })
  }

  /// int32 (varint, truncated to 32 bits as protobuf does).
  public mutating func read(_ value: inout Int32?, _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .varint) else { return }
    value = Int32(
      truncatingIfNeeded: try within(name) { reader throws(ProtobufError) in try reader.readVarint() })
  }

  /// float (fixed32).
  public mutating func read(_ value: inout Float?, _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .fixed32) else { return }
    value = Float(bitPattern: try within(name) { reader throws(ProtobufError) in try reader.readFixed32() })
  }

  /// string (length-delimited UTF-8).
  public mutating func read(_ value: inout String?, _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .lengthDelimited) else { return }
    value = try within(name) { reader throws(ProtobufError) in try reader.readString() }
  }

  /// bytes (length-delimited).
  public mutating func read(_ value: inout [UInt8]?, _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .lengthDelimited) else { return }
    value = [UInt8](try within(name) { reader throws(ProtobufError) in try reader.readLengthDelimited() })
  }

  /// An enum (varint). A value the enum does not know leaves the field as it was, as protobuf
  /// does for proto2 enums.
  public mutating func readEnum<Enum: RawRepresentable>(
    _ value: inout Enum?, _ field: ProtobufField, _ name: String
  )
    throws(ProtobufError) where Enum.RawValue == Int
  {
    guard try accept(field, .varint) else { return }
    let raw = try within(name) { reader throws(ProtobufError) in try reader.readVarint() }
    if let known = Enum(rawValue: Int(Int32(truncatingIfNeeded: raw))) { value = known }
  }

  // MARK: - Singular messages

  /// A message; a second occurrence merges into the first.
  public mutating func read<Message: ProtobufMessage>(
    _ value: inout Message?, _ field: ProtobufField, _ name: String
  )
    throws(ProtobufError)
  {
    guard try accept(field, .lengthDelimited) else { return }
    var message = value ?? Message()
    value = nil  // so that `message` is the only reference to its storage while it is decoded
    try within(name) { reader throws(ProtobufError) in try reader.readMessage(into: &message) }
    value = message
  }

  /// A message held in a box.
  mutating func read<Message: ProtobufMessage>(
    _ value: inout ProtobufBox<Message>?, _ field: ProtobufField, _ name: String
  )
    throws(ProtobufError)
  {
    var message = value?.value
    value = nil
    defer { value = message.map { ProtobufBox($0) } }
    try read(&message, field, name)
  }

  // MARK: - Repeated fields

  /// Appends one unpacked element, or every element of a packed run.
  private mutating func readRepeated<Element>(
    _ values: inout [Element], _ field: ProtobufField, _ name: String, unpacked: ProtobufWireType, width: Int,
    _ element: (inout ProtobufReader) throws(ProtobufError) -> Element
  ) throws(ProtobufError) {
    if field.wireType == unpacked {
      values.append(try within(name) { reader throws(ProtobufError) in try element(&reader) })
    } else if field.wireType == .lengthDelimited {
      try within(name) { reader throws(ProtobufError) in
        let start = reader.position
        var packed = try reader.readPacked()
        if width > 0 {
          guard packed.remaining % width == 0 else {
            throw ProtobufError(
              "a packed field of \(packed.remaining) bytes is not a whole number of \(width)-byte values",
              offset: start)
          }
          values.reserveCapacity(values.count + packed.remaining / width)
        }
        while !packed.isAtEnd { values.append(try element(&packed)) }
      }
    } else {
      try skip(field)
    }
  }

  /// repeated int64.
  public mutating func read(_ values: inout [Int64], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    try readRepeated(&values, field, name, unpacked: .varint, width: 0) { reader throws(ProtobufError) in
      Int64(bitPattern: try reader.readVarint())
    }
  }

  /// repeated int32.
  public mutating func read(_ values: inout [Int32], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    try readRepeated(&values, field, name, unpacked: .varint, width: 0) { reader throws(ProtobufError) in
      Int32(truncatingIfNeeded: try reader.readVarint())
    }
  }

  /// repeated uint64.
  public mutating func read(_ values: inout [UInt64], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    try readRepeated(&values, field, name, unpacked: .varint, width: 0) { reader throws(ProtobufError) in
      try reader.readVarint()
    }
  }

  /// repeated float.
  public mutating func read(_ values: inout [Float], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    try readRepeated(&values, field, name, unpacked: .fixed32, width: 4) { reader throws(ProtobufError) in
      Float(bitPattern: try reader.readFixed32())
    }
  }

  /// repeated double.
  public mutating func read(_ values: inout [Double], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    try readRepeated(&values, field, name, unpacked: .fixed64, width: 8) { reader throws(ProtobufError) in
      Double(bitPattern: try reader.readFixed64())
    }
  }

  /// repeated string.
  public mutating func read(_ values: inout [String], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .lengthDelimited) else { return }
    let index = values.count
    let value = try within("\(name)[\(index)]") { reader throws(ProtobufError) in try reader.readString() }
    values.append(value)
  }

  /// repeated bytes.
  public mutating func read(_ values: inout [[UInt8]], _ field: ProtobufField, _ name: String)
    throws(ProtobufError)
  {
    guard try accept(field, .lengthDelimited) else { return }
    let index = values.count
    let bytes = try within("\(name)[\(index)]") { reader throws(ProtobufError) in
      try reader.readLengthDelimited()
    }
    values.append([UInt8](bytes))
  }

  /// repeated messages.
  public mutating func read<Message: ProtobufMessage>(
    _ values: inout [Message], _ field: ProtobufField, _ name: String
  )
    throws(ProtobufError)
  {
    guard try accept(field, .lengthDelimited) else { return }
    var message = Message()
    let index = values.count
    try within("\(name)[\(index)]") { reader throws(ProtobufError) in try reader.readMessage(into: &message) }
    values.append(message)
  }
}
