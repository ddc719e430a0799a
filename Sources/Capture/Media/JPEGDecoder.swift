import CFFmpeg

/// Decodes the MJPEG frames of a USB camera with libavcodec, one picture per call.
final class JPEGDecoder {
  private let decoder: VideoDecoder
  private let packet: UnsafeMutablePointer<AVPacket>
  private let picture: UnsafeMutablePointer<AVFrame>
  private let converter: PixelConverter
  private let source: String

  init(width: Int, height: Int, source: String) throws(CaptureError) {
    self.source = source
    guard let parameters = avcodec_parameters_alloc(), let packet = av_packet_alloc(),
      let picture = av_frame_alloc(), let converter = PixelConverter()
    else {
      throw CaptureError(source: source, kind: .systemError, reason: "out of memory")
    }
    defer {
      var toFree: UnsafeMutablePointer<AVCodecParameters>? = parameters
      avcodec_parameters_free(&toFree)
    }
    parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
    parameters.pointee.codec_id = AV_CODEC_ID_MJPEG
    parameters.pointee.width = Int32(width)
    parameters.pointee.height = Int32(height)
    self.packet = packet
    self.picture = picture
    self.converter = converter
    // One thread: a JPEG is one picture, and frame threads would delay every frame.
    decoder = try VideoDecoder(
      parameters: parameters, threads: 1, hardware: .none, lowDelay: true, source: source)
    // Truncated or damaged JPEGs (a camera's short transfer) are errors, not half-gray pictures.
    decoder.context.pointee.err_recognition |= AV_EF_EXPLODE
  }

  deinit {
    var packet: UnsafeMutablePointer<AVPacket>? = packet
    av_packet_free(&packet)
    var picture: UnsafeMutablePointer<AVFrame>? = picture
    av_frame_free(&picture)
  }

  /// Decodes one JPEG into `frame`'s planes (timestamps are the caller's to set).
  func decode(_ jpeg: UnsafeRawBufferPointer, into frame: Frame) throws(CaptureError) -> (
    format: PixelFormat, width: Int, height: Int, isFullRange: Bool
  ) {
    guard let base = jpeg.baseAddress, jpeg.count > 0 else {
      throw CaptureError(source: source, kind: .invalidMedia, reason: "empty MJPEG buffer")
    }
    av_packet_unref(packet)
    packet.pointee.data = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
    packet.pointee.size = Int32(jpeg.count)
    let sent = decoder.send(packet)
    packet.pointee.data = nil
    packet.pointee.size = 0
    guard sent >= 0 else {
      throw CaptureError(
        source: source, kind: .invalidMedia, reason: "corrupt MJPEG frame: \(libavErrorText(sent))")
    }
    let received = decoder.receive(into: picture)
    guard received >= 0 else {
      throw CaptureError(
        source: source, kind: .invalidMedia, reason: "corrupt MJPEG frame: \(libavErrorText(received))")
    }
    var decoded = UnsafePointer(picture)
    var format = PixelFormat(libav: AVPixelFormat(rawValue: decoded.pointee.format))
    if format == nil {
      guard let converted = converter.convert(decoded) else {
        throw CaptureError(
          source: source, kind: .unsupportedFormat, reason: "cannot convert the MJPEG pixel format")
      }
      decoded = converted
      format = .yuv420p
    }
    frame.assign(avFrame: decoded, format: format!, timestampNanoseconds: 0, sequence: 0)
    return (format!, frame.width, frame.height, frame.isFullRange)
  }
}
