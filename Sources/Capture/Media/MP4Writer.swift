import CFFmpeg
import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// Writes one compressed video stream into an MP4 file with libavformat, without touching the
/// pictures: packets from `H264Encoder`, or copied from an H.264 source (`MediaPacketSource`).
///
/// The file is written as `path + MP4Writer.partialSuffix` and renamed to `path` by `finish()`
/// after an fsync, so a crash or power cut leaves at most a `.partial` file, never a truncated
/// clip under its real name. A writer dropped without `finish()` removes its partial file.
///
/// Timestamps are rebased so the first packet shows at time 0; the first packet must be a
/// keyframe and decode times must increase.
public final class MP4Writer {
  /// The suffix of the file being written.
  public static let partialSuffix = ".partial"
  /// Where the finished clip goes.
  public let path: String
  /// Where the clip is written until `finish()`.
  public var partialPath: String { path + MP4Writer.partialSuffix }
  /// Packets written so far.
  public private(set) var packetCount = 0
  /// Presentation span of the packets written so far (first start to last end), in nanoseconds.
  public private(set) var durationNanoseconds: Int64 = 0
  private var context: UnsafeMutablePointer<AVFormatContext>?
  private let stream: UnsafeMutablePointer<AVStream>
  private let packet: UnsafeMutablePointer<AVPacket>
  private var origin: Int64?
  private var lastDecodeNanoseconds: Int64 = .min
  private var state = State.open

  private enum State { case open, finished, abandoned }

  private static let nanosecond = AVRational(num: 1, den: 1_000_000_000)

  /// Creates `path`'s partial file and writes the MP4 header for a stream described by
  /// `parameters` (which must carry the codec configuration, e.g. H.264's SPS/PPS).
  public init(path: String, parameters: VideoStreamParameters) throws(CaptureError) {
    self.path = path
    let partial = path + MP4Writer.partialSuffix
    guard parameters.width > 0, parameters.height > 0 else {
      throw CaptureError(
        source: path, kind: .unsupportedFormat,
        reason: "stream has no picture size (\(parameters.width)x\(parameters.height))")
    }
    var optional: UnsafeMutablePointer<AVFormatContext>?
    var status = avformat_alloc_output_context2(&optional, nil, "mp4", partial)
    guard status >= 0, let context = optional, let packet = av_packet_alloc() else {
      avformat_free_context(optional)
      throw CaptureError(source: path, kind: .systemError, reason: "cannot set up an MP4 muxer")
    }
    guard let stream = avformat_new_stream(context, nil) else {
      avformat_free_context(context)
      var unused: UnsafeMutablePointer<AVPacket>? = packet
      av_packet_free(&unused)
      throw CaptureError(source: path, kind: .systemError, reason: "out of memory")
    }
    self.context = context
    self.stream = stream
    self.packet = packet
    status = avcodec_parameters_copy(stream.pointee.codecpar, parameters.pointer)
    // The source container's tag (e.g. Matroska's) need not be MP4's; let the muxer choose.
    stream.pointee.codecpar.pointee.codec_tag = 0
    stream.pointee.time_base = AVRational(num: 1, den: 90_000)
    if status >= 0 {
      status = avio_open(&context.pointee.pb, partial, AVIO_FLAG_WRITE)
      if status < 0 {
        abandon()
        throw CaptureError(
          source: path, kind: status == -EACCES ? .accessDenied : .systemError,
          reason: "cannot create \(partial): \(libavErrorText(status))")
      }
      status = avformat_write_header(context, nil)
    }
    guard status >= 0 else {
      abandon()
      throw CaptureError(
        source: path, kind: .unsupportedFormat,
        reason: "cannot start an MP4 with a \(parameters.codecName) stream: \(libavErrorText(status))")
    }
  }

  deinit {
    abandon()
    var unused: UnsafeMutablePointer<AVPacket>? = packet
    av_packet_free(&unused)
  }

  /// Appends one packet. The first must be a keyframe; decode times must increase.
  public func write(_ encoded: EncodedPacket) throws(CaptureError) {
    guard state == .open, let context else {
      throw CaptureError(source: path, kind: .closed, reason: "the clip is already finished")
    }
    if origin == nil {
      guard encoded.isKeyframe else {
        throw CaptureError(
          source: path, kind: .invalidMedia, reason: "a clip must start at a keyframe")
      }
      origin = encoded.presentationNanoseconds
    }
    guard encoded.decodeNanoseconds > lastDecodeNanoseconds else {
      throw CaptureError(
        source: path, kind: .invalidMedia,
        reason:
          "decode time \(encoded.decodeNanoseconds) ns does not follow \(lastDecodeNanoseconds) ns")
    }
    guard !encoded.bytes.isEmpty, encoded.bytes.count <= Int(Int32.max) - 64 else {
      throw CaptureError(
        source: path, kind: .invalidMedia, reason: "packet of \(encoded.bytes.count) bytes")
    }
    lastDecodeNanoseconds = encoded.decodeNanoseconds
    let timeBase = stream.pointee.time_base
    let start = origin!
    var status = av_new_packet(packet, Int32(encoded.bytes.count))
    guard status >= 0 else { throw failure("cannot allocate a packet", status) }
    defer { av_packet_unref(packet) }
    encoded.bytes.withUnsafeBufferPointer {
      packet.pointee.data.update(from: $0.baseAddress!, count: $0.count)
    }
    packet.pointee.pts = av_rescale_q(encoded.presentationNanoseconds - start, MP4Writer.nanosecond, timeBase)
    packet.pointee.dts = av_rescale_q(encoded.decodeNanoseconds - start, MP4Writer.nanosecond, timeBase)
    packet.pointee.duration = av_rescale_q(encoded.durationNanoseconds, MP4Writer.nanosecond, timeBase)
    packet.pointee.flags = encoded.isKeyframe ? AV_PKT_FLAG_KEY : 0
    packet.pointee.stream_index = stream.pointee.index
    status = av_interleaved_write_frame(context, packet)
    guard status >= 0 else { throw failure("cannot write a packet", status) }
    packetCount += 1
    durationNanoseconds = max(
      durationNanoseconds, encoded.presentationNanoseconds + encoded.durationNanoseconds - start)
  }

  /// Writes the MP4 index (trailer), syncs the file and renames it to `path`.
  public func finish() throws(CaptureError) {
    guard state == .open, let context else {
      throw CaptureError(source: path, kind: .closed, reason: "the clip is already finished")
    }
    guard packetCount > 0 else {
      abandon()
      throw CaptureError(source: path, kind: .invalidMedia, reason: "a clip needs at least one packet")
    }
    var status = av_write_trailer(context)
    let closed = avio_closep(&context.pointee.pb)
    if status >= 0 { status = closed }
    guard status >= 0 else {
      let error = failure("cannot finish the MP4", status)
      abandon()
      throw error
    }
    avformat_free_context(context)
    self.context = nil
    state = .finished
    do {
      try DurableFile.commit(partialPath, as: path)
    } catch {
      throw CaptureError(source: path, kind: .systemError, reason: error.reason)
    }
  }

  /// Stops writing and removes the partial file (nothing if already finished).
  public func abandon() {
    if let context {
      if context.pointee.pb != nil { avio_closep(&context.pointee.pb) }
      avformat_free_context(context)
      self.context = nil
    }
    if state != .finished {
      unlink(partialPath)
      state = .abandoned
    }
  }

  private func failure(_ what: String, _ status: Int32) -> CaptureError {
    CaptureError(source: path, kind: .systemError, reason: "\(what): \(libavErrorText(status))")
  }
}
