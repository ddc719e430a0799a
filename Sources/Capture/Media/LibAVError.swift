import CFFmpeg

/// Text of a libav error code, as `av_strerror` gives it.
func libavErrorText(_ code: Int32) -> String {
  var buffer = [CChar](repeating: 0, count: 128)
  if av_strerror(code, &buffer, buffer.count) != 0 {
    return "libav error \(code)"
  }
  return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
