import CFFmpeg
import Engine

/// Writes frames as PNG files (libswscale to RGB, libavcodec's PNG encoder), so a person can look
/// at what a source delivered. Contexts are kept between calls for frames of one size.
public final class PNGWriter {
  private var scaler: OpaquePointer?
  private var encoder: UnsafeMutablePointer<AVCodecContext>?
  private let rgb: UnsafeMutablePointer<AVFrame>
  private let packet: UnsafeMutablePointer<AVPacket>
  private var key: (width: Int, height: Int, format: PixelFormat, fullRange: Bool)?

  public init() {
    rgb = av_frame_alloc()!
    packet = av_packet_alloc()!
  }

  deinit {
    sws_freeContext(scaler)
    avcodec_free_context(&encoder)
    var frame: UnsafeMutablePointer<AVFrame>? = rgb
    av_frame_free(&frame)
    var packet: UnsafeMutablePointer<AVPacket>? = packet
    av_packet_free(&packet)
  }

  /// Writes `frame` to `path` (durably: temporary file, fsync, rename).
  public func write(_ frame: Frame, to path: String) throws(CaptureError) {
    let png = try encode(frame, name: path)
    do {
      try DurableFile.write(png, to: path)
    } catch {
      throw CaptureError(source: path, kind: .systemError, reason: error.reason)
    }
  }

  /// The PNG bytes of `frame`.
  public func encode(_ frame: Frame, name: String = "png") throws(CaptureError) -> [UInt8] {
    guard let sourceFormat = frame.format.libav else {
      throw CaptureError(
        source: name, kind: .unsupportedFormat, reason: "cannot write \(frame.format) as PNG")
    }
    try prepare(for: frame, sourceFormat: sourceFormat, name: name)
    let rows = frame.scale(with: scaler, into: rgb)
    guard rows == Int32(frame.height) else {
      throw CaptureError(source: name, kind: .systemError, reason: "colour conversion failed")
    }
    var status = avcodec_send_frame(encoder, rgb)
    if status >= 0 { status = avcodec_receive_packet(encoder, packet) }
    defer { av_packet_unref(packet) }
    guard status >= 0 else {
      throw CaptureError(
        source: name, kind: .systemError, reason: "PNG encoding failed: \(libavErrorText(status))")
    }
    return Array(UnsafeBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)))
  }

  private func prepare(for frame: Frame, sourceFormat: AVPixelFormat, name: String) throws(CaptureError) {
    if let key, key == (frame.width, frame.height, frame.format, frame.isFullRange) { return }
    sws_freeContext(scaler)
    avcodec_free_context(&encoder)
    av_frame_unref(rgb)
    key = nil
    scaler = sws_getContext(
      Int32(frame.width), Int32(frame.height), sourceFormat, Int32(frame.width), Int32(frame.height),
      AV_PIX_FMT_RGB24, SWS_BILINEAR, nil, nil, nil)
    if frame.isFullRange, let scaler {
      // Tell swscale the source is full range (JPEG), keeping BT.601 coefficients.
      let coefficients = sws_getCoefficients(SWS_CS_ITU601)
      sws_setColorspaceDetails(scaler, coefficients, 1, coefficients, 1, 0, 1 << 16, 1 << 16)
    }
    rgb.pointee.width = Int32(frame.width)
    rgb.pointee.height = Int32(frame.height)
    rgb.pointee.format = AV_PIX_FMT_RGB24.rawValue
    guard scaler != nil, av_frame_get_buffer(rgb, 64) >= 0, let codec = avcodec_find_encoder(AV_CODEC_ID_PNG),
      let context = avcodec_alloc_context3(codec)
    else {
      throw CaptureError(
        source: name, kind: .systemError,
        reason: "cannot set up PNG encoding for \(frame.width)x\(frame.height) \(frame.format)")
    }
    context.pointee.width = Int32(frame.width)
    context.pointee.height = Int32(frame.height)
    context.pointee.pix_fmt = AV_PIX_FMT_RGB24
    context.pointee.time_base = AVRational(num: 1, den: 25)
    encoder = context
    let status = avcodec_open2(context, codec, nil)
    guard status >= 0 else {
      throw CaptureError(
        source: name, kind: .systemError, reason: "cannot open the PNG encoder: \(libavErrorText(status))")
    }
    key = (frame.width, frame.height, frame.format, frame.isFullRange)
  }
}
