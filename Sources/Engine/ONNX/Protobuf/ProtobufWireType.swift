/// How a field's value is encoded on the wire (the low three bits of its tag).
public enum ProtobufWireType: UInt8, Sendable {
  case varint = 0
  case fixed64 = 1
  case lengthDelimited = 2
  case startGroup = 3
  case endGroup = 4
  case fixed32 = 5
}

/// A field's tag: its number and wire type.
public struct ProtobufField: Equatable, Sendable {
  public var number: Int
  public var wireType: ProtobufWireType

  public init(number: Int, wireType: ProtobufWireType) {
    self.number = number
    self.wireType = wireType
  }
}
