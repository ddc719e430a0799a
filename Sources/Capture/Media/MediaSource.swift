import CFFmpeg

#if canImport(Glibc)
  import Glibc
#endif

/// Frames from a video file or network stream, read with libavformat and decoded with libavcodec.
///
/// Files (MP4, MKV, MPEG-TS, raw H.264/H.265, MJPEG, ...) deliver every frame in order; network
/// URLs (RTSP, TCP, UDP, HTTP) are live: wrap them in `LatestFrameSource` so a slow consumer
/// never stalls the stream. Corrupt packets are counted and skipped; a file that is not media
/// fails at open with the reason.
public final class MediaSource: FrameSource {
  public let name: String
  public let isLive: Bool
  public let info: MediaInfo
  public private(set) var statistics = CaptureStatistics()

  /// The compressed stream's parameters (codec, size, SPS/PPS), for copying it into an MP4.
  public let streamParameters: VideoStreamParameters
  /// Called with each compressed packet of the video stream before it is decoded, so one
  /// demuxing pass feeds both the decoder and a ring of encoded packets (clips without
  /// re-encoding). Times share the frames' clock. It runs on the thread that calls
  /// `nextFrame()` (a `LatestFrameSource`'s own thread for live sources). Nil (the default)
  /// copies nothing.
  public var packetHandler: ((EncodedPacket) -> Void)?
  private var packetClock: PacketClock
  private var formatContext: UnsafeMutablePointer<AVFormatContext>?
  private let decoder: VideoDecoder
  private let streamIndex: Int32
  private let timeBase: AVRational
  private let startTime: Int64
  private let packet: UnsafeMutablePointer<AVPacket>
  private let decoded: UnsafeMutablePointer<AVFrame>
  private let converter: PixelConverter
  private let frame = Frame()
  private let deadline: IODeadline
  private let options: MediaSourceOptions
  private var draining = false
  private var finished = false
  private var consecutiveErrors = 0
  private var closed = false
  /// Raw Annex-B streams carry no timestamps: their frames are timed by adding up frame durations
  /// from 0, as ffmpeg does. The next such frame's time, and the duration to assume when a frame
  /// states none (from the stream's frame rate, else 25 fps).
  private var nextUntimedNanoseconds: Int64 = 0
  private let assumedFrameNanoseconds: Int64
  /// Whether the container has no timestamps at all (raw H.264/H.265/MJPEG streams).
  private let isUntimed: Bool

  /// Opens `location` (a path or URL) and its best video stream.
  public init(_ location: String, options: MediaSourceOptions = MediaSourceOptions()) throws(CaptureError) {
    self.name = location
    self.options = options
    self.isLive = MediaSource.isNetworkURL(location)
    deadline = IODeadline(seconds: options.networkTimeoutSeconds)
    guard let packet = av_packet_alloc(), let decoded = av_frame_alloc(), let converter = PixelConverter()
    else {
      throw CaptureError(source: location, kind: .systemError, reason: "out of memory")
    }
    self.packet = packet
    self.decoded = decoded
    self.converter = converter
    do throws(CaptureError) {
      let (context, index) = try MediaSource.openVideoStream(
        location, isLive: isLive, deadline: deadline, options: options)
      formatContext = context
      let stream = context.pointee.streams[Int(index)]!
      let parameters = stream.pointee.codecpar!
      let width = Int(parameters.pointee.width)
      let height = Int(parameters.pointee.height)
      guard let streamParameters = VideoStreamParameters(copying: parameters) else {
        throw CaptureError(source: location, kind: .systemError, reason: "out of memory")
      }
      self.streamParameters = streamParameters
      decoder = try VideoDecoder(
        parameters: parameters, threads: options.threads, hardware: options.hardware,
        lowDelay: isLive, source: location)
      streamIndex = index
      let clock = PacketClock(context: context, stream: stream)
      packetClock = clock
      timeBase = clock.timeBase
      isUntimed = clock.isUntimed
      assumedFrameNanoseconds = clock.assumedFrameNanoseconds
      startTime = clock.origin
      let rate = stream.pointee.avg_frame_rate
      let duration = context.pointee.duration
      info = MediaInfo(
        container: String(cString: context.pointee.iformat.pointee.name),
        codec: String(cString: avcodec_get_name(parameters.pointee.codec_id)),
        decoder: decoder.decoderName, hardware: decoder.hardware, width: width, height: height,
        framesPerSecond: rate.den > 0 && rate.num > 0 ? Double(rate.num) / Double(rate.den) : nil,
        durationSeconds: duration > 0 ? Double(duration) / Double(hiyari_av_time_base()) : nil)
    } catch {
      avformat_close_input(&formatContext)
      var packet: UnsafeMutablePointer<AVPacket>? = packet
      av_packet_free(&packet)
      var decoded: UnsafeMutablePointer<AVFrame>? = decoded
      av_frame_free(&decoded)
      throw error
    }
  }

  deinit {
    close()
    var packet: UnsafeMutablePointer<AVPacket>? = packet
    av_packet_free(&packet)
    var decoded: UnsafeMutablePointer<AVFrame>? = decoded
    av_frame_free(&decoded)
  }

  public func close() {
    avformat_close_input(&formatContext)
    finished = true
    closed = true
  }

  /// Makes a blocked read return at once (safe from another thread); the source then ends.
  public func interrupt() { deadline.cancel() }

  public func nextFrame() throws(CaptureError) -> Frame? {
    if closed { throw CaptureError(source: name, kind: .closed, reason: "the source is closed") }
    guard let formatContext else {
      if finished && statistics.delivered > 0 || draining { return nil }
      throw CaptureError(source: name, kind: .closed, reason: "the source is closed")
    }
    while true {
      let status = decoder.receive(into: decoded)
      if status == 0 {
        consecutiveErrors = 0
        return try deliver()
      }
      if status == hiyari_averror_eof() {
        finished = true
        return nil
      }
      if status != hiyari_averror_eagain() {
        try countError(status)
        continue
      }
      if draining {
        finished = true
        return nil
      }
      try feedDecoder(formatContext)
    }
  }

  /// Reads packets until one of the video stream is sent to the decoder (or the input ends).
  private func feedDecoder(_ context: UnsafeMutablePointer<AVFormatContext>) throws(CaptureError) {
    while true {
      deadline.arm()
      let status = av_read_frame(context, packet)
      defer { av_packet_unref(packet) }
      if status == hiyari_averror_eof()
        || (status < 0 && !isLive && context.pointee.pb != nil && avio_feof(context.pointee.pb) != 0)
      {
        draining = true
        _ = decoder.send(nil)
        return
      }
      if status < 0 {
        if deadline.expired {
          throw CaptureError(
            source: name, kind: .timedOut,
            reason: "no data for \(options.networkTimeoutSeconds) s")
        }
        if status == hiyari_averror_eagain() { continue }
        // A read error mid-file (truncation, I/O): decode what was buffered, then end cleanly.
        statistics.decodeErrors += 1
        draining = true
        _ = decoder.send(nil)
        return
      }
      guard packet.pointee.stream_index == streamIndex else { continue }
      if let packetHandler { packetHandler(packetClock.packet(packet)) }
      let sent = decoder.send(packet)
      if sent == 0 { return }
      try countError(sent)
    }
  }

  private func countError(_ status: Int32) throws(CaptureError) {
    statistics.decodeErrors += 1
    consecutiveErrors += 1
    if consecutiveErrors > options.maximumConsecutiveErrors {
      throw CaptureError(
        source: name, kind: .invalidMedia,
        reason: "\(consecutiveErrors) undecodable packets in a row (last: \(libavErrorText(status)))")
    }
  }

  private func deliver() throws(CaptureError) -> Frame {
    var picture = UnsafePointer(decoded)
    let width = Int(picture.pointee.width)
    let height = Int(picture.pointee.height)
    guard width > 0, height > 0, width <= options.maximumDimension, height <= options.maximumDimension else {
      throw CaptureError(
        source: name, kind: .invalidMedia, reason: "decoded a \(width)x\(height) frame mid-stream")
    }
    var format = PixelFormat(libav: AVPixelFormat(rawValue: picture.pointee.format))
    if format == nil {
      guard let converted = converter.convert(picture) else {
        let formatName =
          av_get_pix_fmt_name(AVPixelFormat(rawValue: picture.pointee.format)).map { String(cString: $0) }
          ?? "unknown"
        throw CaptureError(
          source: name, kind: .unsupportedFormat, reason: "cannot convert pixel format \(formatName)")
      }
      picture = converted
      format = .yuv420p
    }
    var pts = picture.pointee.best_effort_timestamp
    if pts == hiyari_av_nopts_value() { pts = picture.pointee.pts }
    let nanosecond = AVRational(num: 1, den: 1_000_000_000)
    let nanoseconds: Int64 =
      isUntimed
      ? nextUntimedNanoseconds
      : pts == hiyari_av_nopts_value() ? -1 : av_rescale_q(pts - startTime, timeBase, nanosecond)
    let duration = picture.pointee.pkt_duration
    nextUntimedNanoseconds =
      nanoseconds + (duration > 0 ? av_rescale_q(duration, timeBase, nanosecond) : assumedFrameNanoseconds)
    frame.assign(
      avFrame: picture, format: format!, timestampNanoseconds: nanoseconds,
      sequence: statistics.delivered)
    statistics.delivered += 1
    return frame
  }

  /// Demuxers of bare elementary streams, which carry no timestamps.
  static let elementaryStreamFormats: Set<String> = [
    "h264", "hevc", "vvc", "mjpeg", "mpegvideo", "m4v", "h261", "h263", "cavsvideo", "vc1", "dirac", "avs2",
    "avs3",
  ]

  static func isNetworkURL(_ location: String) -> Bool {
    guard let schemeEnd = location.firstIndex(of: ":"),
      location[schemeEnd...].hasPrefix("://")
    else { return false }
    let scheme = location[..<schemeEnd].lowercased()
    return ["rtsp", "rtsps", "rtmp", "tcp", "udp", "rtp", "srt", "http", "https"].contains(scheme)
  }

  /// Opens `location` and picks its best video stream, checking its codec and size; every other
  /// stream is discarded. Shared by the frame and packet readers.
  static func openVideoStream(
    _ location: String, isLive: Bool, deadline: IODeadline, options: MediaSourceOptions
  ) throws(CaptureError) -> (context: UnsafeMutablePointer<AVFormatContext>, streamIndex: Int32) {
    var context: UnsafeMutablePointer<AVFormatContext>? = try openInput(
      location, isLive: isLive, deadline: deadline)
    do throws(CaptureError) {
      let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, nil, 0)
      guard index >= 0 else {
        throw CaptureError(source: location, kind: .invalidMedia, reason: "has no video stream")
      }
      let parameters = context!.pointee.streams[Int(index)]!.pointee.codecpar!
      // libavformat reads .txt/.nfo/.ans files as "ANSI art" video; a camera runtime should not.
      if [AV_CODEC_ID_ANSI, AV_CODEC_ID_BINTEXT, AV_CODEC_ID_XBIN, AV_CODEC_ID_IDF].contains(
        parameters.pointee.codec_id)
      {
        throw CaptureError(
          source: location, kind: .invalidMedia, reason: "is text (read as ANSI art), not video")
      }
      let width = Int(parameters.pointee.width)
      let height = Int(parameters.pointee.height)
      guard width > 0, height > 0, width <= options.maximumDimension, height <= options.maximumDimension
      else {
        throw CaptureError(
          source: location, kind: .invalidMedia,
          reason: "video size \(width)x\(height) is outside 1...\(options.maximumDimension)")
      }
      // Other streams (audio, data) are never decoded; discarding them saves the demuxer work.
      for other in 0..<Int(context!.pointee.nb_streams) where other != Int(index) {
        context!.pointee.streams[other]!.pointee.discard = AVDISCARD_ALL
      }
      return (context!, index)
    } catch {
      avformat_close_input(&context)
      throw error
    }
  }

  private static func openInput(_ location: String, isLive: Bool, deadline: IODeadline)
    throws(CaptureError) -> UnsafeMutablePointer<AVFormatContext>
  {
    if !isLive, !location.contains("://") {
      var status = stat()
      if stat(location, &status) != 0 {
        throw CaptureError(
          source: location, kind: errno == EACCES ? .accessDenied : .notFound, reason: "no such file")
      }
      if (status.st_mode & S_IFMT) == S_IFDIR {
        throw CaptureError(source: location, kind: .invalidMedia, reason: "is a directory, not a video file")
      }
    }
    guard var context = avformat_alloc_context() else {
      throw CaptureError(source: location, kind: .systemError, reason: "out of memory")
    }
    context.pointee.interrupt_callback = deadline.callback
    var dictionary: OpaquePointer?
    if isLive {
      av_dict_set(&dictionary, "rtsp_transport", "tcp", 0)
      let microseconds = String(Int64(deadline.seconds * 1_000_000))
      av_dict_set(&dictionary, "timeout", microseconds, 0)
    }
    // Bound probing so a hostile file cannot make open read gigabytes.
    av_dict_set(&dictionary, "probesize", "20000000", 0)
    deadline.arm()
    var optional: UnsafeMutablePointer<AVFormatContext>? = context
    let status = avformat_open_input(&optional, location, nil, &dictionary)
    av_dict_free(&dictionary)
    guard status >= 0, let opened = optional else {
      let kind: CaptureError.Kind =
        deadline.expired
        ? .timedOut : status == -ENOENT ? .notFound : status == -EACCES ? .accessDenied : .invalidMedia
      throw CaptureError(source: location, kind: kind, reason: "cannot open: \(libavErrorText(status))")
    }
    context = opened
    deadline.arm()
    let info = avformat_find_stream_info(context, nil)
    guard info >= 0 else {
      var toClose: UnsafeMutablePointer<AVFormatContext>? = context
      avformat_close_input(&toClose)
      throw CaptureError(
        source: location, kind: deadline.expired ? .timedOut : .invalidMedia,
        reason: "cannot read stream information: \(libavErrorText(info))")
    }
    return context
  }
}
