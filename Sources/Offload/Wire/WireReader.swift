import Engine

/// Bounds-checked reading of one message body: every read checks the bytes that remain, and
/// every failure is a `WireError` naming the field (with the frame id once it is known).
struct WireReader {
  let bytes: [UInt8]
  var offset: Int
  /// Set once the body's frame id has been read, so later errors can name the frame.
  var frameID: UInt64?

  init(_ bytes: [UInt8], offset: Int = 0) {
    self.bytes = bytes
    self.offset = offset
  }

  var remaining: Int { bytes.count - offset }

  func error(_ code: WireErrorCode, _ message: String) -> WireError {
    WireError(code, message, frameID: frameID)
  }

  mutating func take(_ count: Int, _ field: String) throws(WireError) -> ArraySlice<UInt8> {
    guard count >= 0, count <= remaining else {
      throw error(.malformed, "message is truncated in \(field): needs \(count) bytes, \(remaining) left")
    }
    defer { offset += count }
    return bytes[offset..<offset + count]
  }

  mutating func u8(_ field: String) throws(WireError) -> UInt8 { try take(1, field).first! }

  mutating func integer<T: FixedWidthInteger & UnsignedInteger>(_: T.Type, _ field: String) throws(WireError)
    -> T
  {
    let slice = try take(MemoryLayout<T>.size, field)
    var value: T = 0
    for (shift, byte) in slice.enumerated() { value |= T(byte) << (8 * shift) }
    return value
  }

  /// The frame id that opens every message body; kept for later errors.
  mutating func frameID(_ field: String = "frame id") throws(WireError) -> UInt64 {
    let id = try integer(UInt64.self, field)
    frameID = id
    return id
  }

  /// A u16 length (checked against `limit` first) and that many bytes of UTF-8.
  mutating func string(limit: Int, _ field: String) throws(WireError) -> String {
    let length = Int(try integer(UInt16.self, "\(field) length"))
    guard length <= limit else {
      throw error(.malformed, "\(field) of \(length) bytes exceeds the limit of \(limit)")
    }
    guard let text = String(validating: try take(length, field), as: UTF8.self) else {
      throw error(.malformed, "\(field) is not valid UTF-8")
    }
    return text
  }

  /// A SHA-256 as 64 lowercase hex digits.
  mutating func modelHash() throws(WireError) -> String {
    SHA256.hex(Array(try take(32, "model hash")))
  }

  /// Every byte left, as a tensor packet.
  mutating func tensors(limits: WireLimits) throws(WireError) -> [(name: String, tensor: Tensor)] {
    let packet = Array(try take(remaining, "tensors"))
    do {
      return try TensorPacket.decode(packet, limits: limits.packetLimits)
    } catch {
      throw self.error(.malformed, "tensor packet: \(error.description)")
    }
  }

  /// Every byte left.
  mutating func rest(_ field: String) throws(WireError) -> [UInt8] { Array(try take(remaining, field)) }
}
