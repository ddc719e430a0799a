/// Why bytes could not be decoded as a protobuf message: what was wrong, at which byte of the
/// input, and in which field, e.g. "a length of 4096 bytes exceeds the 12 bytes left, at byte 77
/// in onnx.ModelProto.graph.initializer[2].raw_data".
public struct ProtobufError: Error, Equatable, Sendable, CustomStringConvertible {
  /// What was wrong.
  public var reason: String
  /// Offset of the offending byte from the start of the input.
  public var offset: Int
  /// The fields from the outermost message inwards: the message type, then field names, with
  /// the element index for repeated message fields ("node[3]").
  public var path: [String]

  public init(_ reason: String, offset: Int, path: [String] = []) {
    self.reason = reason
    self.offset = offset
    self.path = path
  }

  public var description: String {
    path.isEmpty
      ? "\(reason), at byte \(offset)" : "\(reason), at byte \(offset) in \(path.joined(separator: "."))"
  }

  /// The same error, seen from the field or message that contains where it happened.
  func inside(_ name: String) -> ProtobufError {
    var error = self
    error.path.insert(name, at: 0)
    return error
  }
}
