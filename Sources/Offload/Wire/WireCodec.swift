/// The framing of the offload protocol: every message is
///
///     length u32 (of what follows), version u8 (1), type u8 (`WireMessageType`), body
///
/// with every integer little-endian, as in `TensorPacket`. Decoding reads the length first and
/// refuses a message over `WireLimits.maximumMessageBytes` before buffering it; inside a body,
/// every count and length is checked against the limits and the bytes that remain before
/// anything is allocated.
public enum WireCodec {
  public static let version: UInt8 = 1
  /// Bytes of the length prefix.
  public static let lengthBytes = 4
  /// Bytes of the length prefix, version and type.
  public static let headerBytes = 6

  /// The whole frame of `message`; refuses one that would exceed `limits`.
  public static func encode(_ message: WireMessage, limits: WireLimits = WireLimits()) throws(WireError)
    -> [UInt8]
  {
    var writer = WireWriter()
    writer.integer(UInt32(0))  // the length, filled in below
    writer.u8(version)
    writer.u8(message.type.rawValue)
    switch message {
    case .tailRequest(let body): try body.encode(into: &writer, limits: limits)
    case .tailReply(let body): try body.encode(into: &writer)
    case .errorReply(let body): try body.encode(into: &writer, limits: limits)
    case .profileRequest(let body): try body.encode(into: &writer)
    case .profileReply(let body): try body.encode(into: &writer)
    case .ping(let body): try body.encode(into: &writer, limits: limits)
    case .pong(let body): try body.encode(into: &writer, limits: limits)
    }
    guard writer.bytes.count <= limits.maximumMessageBytes else {
      throw WireError(
        .oversized,
        "message of \(writer.bytes.count) bytes exceeds the limit of \(limits.maximumMessageBytes)",
        frameID: message.id)
    }
    let length = UInt32(writer.bytes.count - lengthBytes).littleEndian
    withUnsafeBytes(of: length) { writer.bytes.replaceSubrange(0..<lengthBytes, with: $0) }
    return writer.bytes
  }

  /// What the length prefix `length` (the u32 that opens a frame) means under `limits`: the
  /// frame's total bytes, or the error that refuses it before its body is read.
  public static func frameBytes(length: UInt32, limits: WireLimits = WireLimits()) throws(WireError) -> Int {
    let total = Int(length) + lengthBytes
    guard total <= limits.maximumMessageBytes else {
      throw WireError(
        .oversized, "message of \(total) bytes exceeds the limit of \(limits.maximumMessageBytes)")
    }
    guard total >= headerBytes else {
      throw WireError(.malformed, "message length \(length) is too short for a version and a type")
    }
    return total
  }

  /// Decodes one whole frame (length prefix included).
  public static func decode(frame: [UInt8], limits: WireLimits = WireLimits()) throws(WireError)
    -> WireMessage
  {
    guard frame.count >= lengthBytes else {
      throw WireError(.malformed, "message is truncated in its length")
    }
    var length: UInt32 = 0
    for index in 0..<lengthBytes { length |= UInt32(frame[index]) << (8 * index) }
    let total = try frameBytes(length: length, limits: limits)
    guard total == frame.count else {
      throw WireError(.malformed, "message length says \(total) bytes, the frame has \(frame.count)")
    }
    var reader = WireReader(frame, offset: lengthBytes)
    let frameVersion = try reader.u8("version")
    guard frameVersion == version else {
      throw WireError(
        .malformed, "protocol version \(frameVersion) is not supported (this build speaks \(version))")
    }
    let typeByte = try reader.u8("type")
    guard let type = WireMessageType(rawValue: typeByte) else {
      throw WireError(.malformed, "unknown message type \(typeByte)")
    }
    let message: WireMessage
    switch type {
    case .tailRequest: message = .tailRequest(try TailRequest.decode(&reader, limits: limits))
    case .tailReply: message = .tailReply(try TailReply.decode(&reader, limits: limits))
    case .errorReply: message = .errorReply(try ErrorReply.decode(&reader, limits: limits))
    case .profileRequest: message = .profileRequest(try ProfileRequest.decode(&reader))
    case .profileReply: message = .profileReply(try ProfileReply.decode(&reader))
    case .ping: message = .ping(try Ping.decode(&reader, limits: limits))
    case .pong: message = .pong(try Pong.decode(&reader, limits: limits))
    }
    guard reader.remaining == 0 else {
      throw reader.error(.malformed, "\(reader.remaining) bytes follow the \(type) message")
    }
    return message
  }
}
