/// Holds a singular message field out of line, so that messages stay small when copied and
/// recursive messages (a TypeProto whose Sequence holds a TypeProto) have a finite size. The
/// box is immutable: setting the field stores a new box, which keeps value semantics.
final class ProtobufBox<Value: Sendable>: Sendable {
  let value: Value

  init(_ value: Value) { self.value = value }
}

extension ProtobufBox: Equatable where Value: Equatable {
  static func == (lhs: ProtobufBox, rhs: ProtobufBox) -> Bool { lhs === rhs || lhs.value == rhs.value }
}
