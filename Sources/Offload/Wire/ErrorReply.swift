/// The server refuses a message.
///
///     frame id known u8 (0 or 1), frame id u64, code u8, text: length u16, UTF-8
public struct ErrorReply: Sendable, Hashable {
  /// The request's frame id, when the message was readable that far.
  public var frameID: UInt64?
  public var code: WireErrorCode
  public var message: String

  public init(frameID: UInt64?, code: WireErrorCode, message: String) {
    self.frameID = frameID
    self.code = code
    self.message = message
  }

  /// The reply for a refusal.
  public init(_ error: WireError) {
    self.init(frameID: error.frameID, code: error.code, message: error.message)
  }

  /// The refusal as an error to throw.
  public var error: WireError { WireError(code, message, frameID: frameID) }

  func encode(into writer: inout WireWriter, limits: WireLimits) throws(WireError) {
    writer.u8(frameID == nil ? 0 : 1)
    writer.integer(frameID ?? 0)
    writer.u8(code.rawValue)
    // A long explanation is cut rather than refused: the refusal itself must get through.
    var text = message
    while text.utf8.count > limits.maximumTextBytes { text.removeLast() }
    try writer.string(text, limit: limits.maximumTextBytes, what: "error text")
  }

  static func decode(_ reader: inout WireReader, limits: WireLimits) throws(WireError) -> ErrorReply {
    let known = try reader.u8("frame id flag")
    guard known <= 1 else { throw reader.error(.malformed, "frame id flag is \(known), not 0 or 1") }
    let id = try reader.frameID()
    let codeByte = try reader.u8("error code")
    guard let code = WireErrorCode(rawValue: codeByte) else {
      throw reader.error(.malformed, "unknown error code \(codeByte)")
    }
    let text = try reader.string(limit: limits.maximumTextBytes, "error text")
    return ErrorReply(frameID: known == 1 ? id : nil, code: code, message: text)
  }
}
