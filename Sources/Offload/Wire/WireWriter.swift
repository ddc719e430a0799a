import Engine

/// Appends a message's fields, little-endian, to a byte array.
struct WireWriter {
  var bytes: [UInt8] = []

  mutating func u8(_ value: UInt8) { bytes.append(value) }

  mutating func integer<T: FixedWidthInteger>(_ value: T) {
    withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
  }

  mutating func raw(_ data: [UInt8]) { bytes += data }

  /// A u16 length and the UTF-8 of `text`, which must fit `limit` bytes.
  mutating func string(_ text: String, limit: Int, what: String) throws(WireError) {
    let utf8 = Array(text.utf8)
    guard utf8.count <= min(limit, Int(UInt16.max)) else {
      throw WireError(.oversized, "\(what) of \(utf8.count) bytes exceeds the limit of \(limit)")
    }
    integer(UInt16(utf8.count))
    bytes += utf8
  }

  /// The 32 bytes of a SHA-256 given as 64 hex digits.
  mutating func modelHash(_ hex: String) throws(WireError) {
    let digits = Array(hex.utf8)
    guard digits.count == 64 else {
      throw WireError(.malformed, "a model hash is 64 hex digits (SHA-256), not \(digits.count) characters")
    }
    for index in stride(from: 0, to: 64, by: 2) {
      guard let high = Self.nibble(digits[index]), let low = Self.nibble(digits[index + 1]) else {
        throw WireError(.malformed, "model hash \(hex) is not hexadecimal")
      }
      bytes.append(high << 4 | low)
    }
  }

  /// The bytes of a tensor packet.
  mutating func tensors(
    _ tensors: [(name: String, tensor: Tensor)], compressing: Set<String> = [], frameID: UInt64
  ) throws(WireError) {
    do {
      bytes += try TensorPacket.encode(tensors, compressing: compressing)
    } catch {
      throw WireError(.badTensor, error.description, frameID: frameID)
    }
  }

  static func nibble(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
