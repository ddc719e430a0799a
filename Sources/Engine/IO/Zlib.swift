import CZlib

/// The zlib services zip archives and compressed tensor packets need: CRC-32, raw deflate and
/// raw inflate.
enum Zlib {
  /// The CRC-32 of `bytes`, as zip records it.
  static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
    guard let base = bytes.baseAddress else { return 0 }
    return UInt32(CZlib.crc32_z(0, base.assumingMemoryBound(to: Bytef.self), bytes.count))
  }

  /// Inflates the raw deflate stream `input`, which must produce exactly `count` bytes; on
  /// failure returns the reason (corrupt, truncated, or longer than declared).
  static func inflateRaw(_ input: UnsafeRawBufferPointer, count: Int) -> Result<[UInt8], NumPyError> {
    var stream = z_stream()
    guard hiyari_inflate_init_raw(&stream) == Z_OK else {
      return .failure(NumPyError("zlib could not start"))
    }
    defer { inflateEnd(&stream) }
    // One byte more than declared, so a stream that is too long shows itself by filling it.
    var output = [UInt8](repeating: 0, count: count + 1)
    var consumed = 0
    var produced = 0
    // avail_in and avail_out are 32-bit: feed and drain in chunks of at most 1 GiB.
    let chunk = 1 << 30
    let failure: String? = output.withUnsafeMutableBytes { buffer in
      while true {
        let inputChunk = min(chunk, input.count - consumed)
        let outputChunk = min(chunk, buffer.count - produced)
        stream.next_in = UnsafeMutablePointer(
          mutating: input.baseAddress.map { ($0 + consumed).assumingMemoryBound(to: Bytef.self) })
        stream.avail_in = uInt(inputChunk)
        stream.next_out = (buffer.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
        stream.avail_out = uInt(outputChunk)
        let status = inflate(&stream, Z_NO_FLUSH)
        consumed += inputChunk - Int(stream.avail_in)
        produced += outputChunk - Int(stream.avail_out)
        if produced > count { return "the deflate stream holds more than the \(count) declared bytes" }
        switch status {
        case Z_STREAM_END:
          return produced == count
            ? nil : "the deflate stream ends after \(produced) of \(count) declared bytes"
        case Z_OK:
          continue
        case Z_BUF_ERROR where consumed < input.count:
          continue
        case Z_BUF_ERROR:
          return "the deflate stream is truncated after \(produced) of \(count) bytes"
        default:
          return "corrupt deflate data (\(stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"))"
        }
      }
    }
    if let failure { return .failure(NumPyError(failure)) }
    output.removeLast()
    return .success(output)
  }

  /// The raw deflate stream of `input` at `level` (1 fastest ... 9 smallest). `strategy` is
  /// zlib's: `Z_RLE` suits prediction residuals (runs of small values) and is the fastest.
  static func deflateRaw(_ input: UnsafeRawBufferPointer, level: Int32 = 1, strategy: Int32 = Z_RLE)
    -> [UInt8]
  {
    var stream = z_stream()
    guard hiyari_deflate_init_raw(&stream, level, strategy) == Z_OK else {
      preconditionFailure("zlib could not start deflate (out of memory)")
    }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))))
    var consumed = 0
    var produced = 0
    let chunk = 1 << 30
    output.withUnsafeMutableBytes { buffer in
      while true {
        let inputChunk = min(chunk, input.count - consumed)
        if produced == buffer.count { return }
        stream.next_in = UnsafeMutablePointer(
          mutating: input.baseAddress.map { ($0 + consumed).assumingMemoryBound(to: Bytef.self) })
        stream.avail_in = uInt(inputChunk)
        stream.next_out = (buffer.baseAddress! + produced).assumingMemoryBound(to: Bytef.self)
        let outputChunk = min(chunk, buffer.count - produced)
        stream.avail_out = uInt(outputChunk)
        let status = deflate(&stream, consumed + inputChunk == input.count ? Z_FINISH : Z_NO_FLUSH)
        consumed += inputChunk - Int(stream.avail_in)
        produced += outputChunk - Int(stream.avail_out)
        if status == Z_STREAM_END { return }
        precondition(status == Z_OK || status == Z_BUF_ERROR, "zlib deflate failed (\(status))")
      }
    }
    output.removeSubrange(produced...)
    return output
  }
}
