import CFFmpeg

/// Encodes frames to H.264 with libavcodec's libx264, for cameras that deliver raw pictures (a
/// V4L2 YUYV camera) and for synthetic video. Any frame layout Capture has is converted (and
/// scaled, if its size differs) to 8-bit 4:2:0 with libswscale.
///
/// The stream's SPS/PPS go into `parameters` (global header), as MP4 wants; packets are Annex-B.
public final class H264Encoder {
  public let settings: H264EncoderSettings
  /// The stream's codec parameters, for `MP4Writer`.
  public let parameters: VideoStreamParameters
  private let context: UnsafeMutablePointer<AVCodecContext>
  private let picture: UnsafeMutablePointer<AVFrame>
  private let packet: UnsafeMutablePointer<AVPacket>
  private var scaler: OpaquePointer?
  private var scalerKey: (width: Int, height: Int, format: PixelFormat, fullRange: Bool)?
  private var lastTicks: Int64 = .min
  private var framesSent: Int64 = 0
  private var finished = false
  /// Encoder ticks: 90 kHz, MPEG's clock, fine enough for any camera's timestamps.
  private static let timeBase = AVRational(num: 1, den: 90_000)
  private static let nanosecond = AVRational(num: 1, den: 1_000_000_000)

  /// Opens libx264 with `settings`.
  public init(settings: H264EncoderSettings) throws(CaptureError) {
    self.settings = settings
    let name = "H.264 encoder"
    if let problem = settings.problem {
      throw CaptureError(source: name, kind: .unsupportedFormat, reason: problem)
    }
    guard let codec = avcodec_find_encoder_by_name("libx264") else {
      throw CaptureError(
        source: name, kind: .unsupportedFormat,
        reason: "libavcodec has no libx264 encoder (install Debian's libavcodec with x264)")
    }
    let (allocatedContext, allocatedPicture, allocatedPacket) = (
      avcodec_alloc_context3(codec), av_frame_alloc(), av_packet_alloc()
    )
    guard let context = allocatedContext, let picture = allocatedPicture, let packet = allocatedPacket else {
      H264Encoder.release(allocatedContext, allocatedPicture, allocatedPacket)
      throw CaptureError(source: name, kind: .systemError, reason: "out of memory")
    }
    self.context = context
    self.picture = picture
    self.packet = packet
    context.pointee.width = Int32(settings.width)
    context.pointee.height = Int32(settings.height)
    context.pointee.pix_fmt = AV_PIX_FMT_YUV420P
    context.pointee.time_base = H264Encoder.timeBase
    context.pointee.framerate = AVRational(num: Int32(settings.framesPerSecond), den: 1)
    context.pointee.gop_size = Int32(settings.keyframeInterval)
    context.pointee.thread_count = Int32(settings.threads)
    context.pointee.flags |= AV_CODEC_FLAG_GLOBAL_HEADER
    // Limited-range BT.601, what swscale's RGB to YUV produces and what players assume for SD.
    context.pointee.color_range = AVCOL_RANGE_MPEG
    context.pointee.colorspace = AVCOL_SPC_SMPTE170M
    context.pointee.color_primaries = AVCOL_PRI_SMPTE170M
    context.pointee.color_trc = AVCOL_TRC_SMPTE170M
    var options: OpaquePointer?
    av_dict_set(&options, "preset", settings.preset, 0)
    if settings.zeroLatency { av_dict_set(&options, "tune", "zerolatency", 0) }
    switch settings.rateControl {
    case .constantRateFactor(let crf): av_dict_set(&options, "crf", String(crf), 0)
    case .bitrate(let bits):
      context.pointee.bit_rate = Int64(bits)
      context.pointee.rc_max_rate = Int64(bits)
      context.pointee.rc_buffer_size = Int32(clamping: bits)
    }
    // A fixed GOP: scene cuts would add keyframes the ring cannot plan for.
    av_dict_set(&options, "sc_threshold", "0", 0)
    av_dict_set(&options, "forced-idr", "1", 0)
    var status = avcodec_open2(context, codec, &options)
    av_dict_free(&options)
    picture.pointee.width = Int32(settings.width)
    picture.pointee.height = Int32(settings.height)
    picture.pointee.format = AV_PIX_FMT_YUV420P.rawValue
    if status >= 0 { status = av_frame_get_buffer(picture, 64) }
    guard status >= 0, let parameters = VideoStreamParameters(encoder: context) else {
      H264Encoder.release(context, picture, packet)
      throw CaptureError(
        source: name, kind: .systemError,
        reason: "cannot open libx264: \(status < 0 ? libavErrorText(status) : "out of memory")")
    }
    self.parameters = parameters
  }

  deinit {
    sws_freeContext(scaler)
    H264Encoder.release(context, picture, packet)
  }

  private static func release(
    _ context: UnsafeMutablePointer<AVCodecContext>?, _ picture: UnsafeMutablePointer<AVFrame>?,
    _ packet: UnsafeMutablePointer<AVPacket>?
  ) {
    var context = context
    avcodec_free_context(&context)
    var picture = picture
    av_frame_free(&picture)
    var packet = packet
    av_packet_free(&packet)
  }

  /// The nominal duration of one frame.
  public var frameNanoseconds: Int64 { 1_000_000_000 / Int64(settings.framesPerSecond) }

  /// Encodes `frame` at its timestamp and returns the packets that came out (none while
  /// libx264 is still looking ahead). A timestamp not after the previous one is moved just
  /// after it, since H.264 in MP4 needs increasing times and a camera's clock can repeat.
  public func encode(_ frame: Frame) throws(CaptureError) -> [EncodedPacket] {
    try encode(frame, timestampNanoseconds: frame.timestampNanoseconds)
  }

  /// Encodes packed 8-bit RGB (`width * height * 3` bytes, rows without padding). Without a
  /// timestamp the frame is placed one nominal frame after the previous one.
  public func encode(
    rgb: UnsafeRawBufferPointer, width: Int, height: Int, timestampNanoseconds: Int64? = nil
  ) throws(CaptureError) -> [EncodedPacket] {
    guard width > 0, height > 0, width <= 8192, height <= 8192, rgb.count == width * height * 3,
      let base = rgb.baseAddress
    else {
      throw CaptureError(
        source: "H.264 encoder", kind: .unsupportedFormat,
        reason: "RGB buffer of \(rgb.count) bytes does not hold a \(width)x\(height) picture")
    }
    let frame = Frame(
      format: .rgb24, width: width, height: height,
      planes: [FramePlane(base: base, bytesPerRow: width * 3, rows: height)])
    return try encode(
      frame,
      timestampNanoseconds: timestampNanoseconds ?? framesSent * 1_000_000_000
        / Int64(settings.framesPerSecond))
  }

  /// Drains libx264 and returns the last packets; the encoder takes no frames afterwards.
  public func finish() throws(CaptureError) -> [EncodedPacket] {
    guard !finished else { return [] }
    finished = true
    let status = avcodec_send_frame(context, nil)
    guard status >= 0 else { throw failure("cannot drain libx264", status) }
    return try receivePackets()
  }

  private func encode(_ frame: Frame, timestampNanoseconds: Int64) throws(CaptureError) -> [EncodedPacket] {
    guard !finished else {
      throw CaptureError(source: "H.264 encoder", kind: .closed, reason: "the encoder was finished")
    }
    try convert(frame)
    var ticks = av_rescale_q(timestampNanoseconds, H264Encoder.nanosecond, H264Encoder.timeBase)
    if lastTicks != .min, ticks <= lastTicks { ticks = lastTicks + 1 }
    lastTicks = ticks
    picture.pointee.pts = ticks
    let status = avcodec_send_frame(context, picture)
    guard status >= 0 else { throw failure("libx264 refused a frame", status) }
    framesSent += 1
    return try receivePackets()
  }

  private func receivePackets() throws(CaptureError) -> [EncodedPacket] {
    var packets: [EncodedPacket] = []
    while true {
      let status = avcodec_receive_packet(context, packet)
      if status == hiyari_averror_eagain() || status == hiyari_averror_eof() { return packets }
      guard status >= 0 else { throw failure("libx264 failed", status) }
      defer { av_packet_unref(packet) }
      if packet.pointee.duration <= 0 {
        packet.pointee.duration = av_rescale_q(
          frameNanoseconds, H264Encoder.nanosecond, H264Encoder.timeBase)
      }
      packets.append(EncodedPacket(packet, timeBase: H264Encoder.timeBase, origin: 0))
    }
  }

  /// Fills `picture` from `frame`, converting layout and size with swscale.
  private func convert(_ frame: Frame) throws(CaptureError) {
    guard let sourceFormat = frame.format.libav else {
      throw CaptureError(
        source: "H.264 encoder", kind: .unsupportedFormat, reason: "cannot encode \(frame.format) frames")
    }
    if scalerKey == nil || scalerKey! != (frame.width, frame.height, frame.format, frame.isFullRange) {
      sws_freeContext(scaler)
      scalerKey = nil
      scaler = sws_getContext(
        Int32(frame.width), Int32(frame.height), sourceFormat, Int32(settings.width), Int32(settings.height),
        AV_PIX_FMT_YUV420P, SWS_BILINEAR, nil, nil, nil)
      guard let scaler else {
        throw CaptureError(
          source: "H.264 encoder", kind: .unsupportedFormat,
          reason: "cannot convert \(frame.width)x\(frame.height) \(frame.format) to the encoder's size")
      }
      // Limited range out; full range in when the frame says so (JPEG cameras).
      let coefficients = sws_getCoefficients(SWS_CS_ITU601)
      sws_setColorspaceDetails(
        scaler, coefficients, frame.isFullRange ? 1 : 0, coefficients, 0, 0, 1 << 16, 1 << 16)
      scalerKey = (frame.width, frame.height, frame.format, frame.isFullRange)
    }
    // libx264 may still hold a reference to the previous picture's buffer.
    let writable = av_frame_make_writable(picture)
    guard writable >= 0 else { throw failure("cannot get a picture buffer", writable) }
    let rows = frame.scale(with: scaler, into: picture)
    guard rows == Int32(settings.height) else {
      throw CaptureError(source: "H.264 encoder", kind: .systemError, reason: "colour conversion failed")
    }
  }

  private func failure(_ what: String, _ status: Int32) -> CaptureError {
    CaptureError(source: "H.264 encoder", kind: .systemError, reason: "\(what): \(libavErrorText(status))")
  }
}
