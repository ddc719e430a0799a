import CFFmpeg

/// The compressed packets of a video file or stream, read with libavformat and never decoded:
/// for copying an H.264 source into clips without re-encoding.
///
/// Each packet keeps its bytes, its keyframe flag and its times in nanoseconds from the stream's
/// start (the clock `MediaSource` gives its frames). To decode and copy from one pass over a
/// source, set `MediaSource.packetHandler` instead.
public final class MediaPacketSource {
  public let name: String
  public let isLive: Bool
  /// Codec, size and configuration (SPS/PPS) of the stream, for `MP4Writer`.
  public let parameters: VideoStreamParameters
  /// Packets delivered so far.
  public private(set) var delivered: Int64 = 0
  /// Packets dropped as implausible (larger than `maximumPacketBytes`).
  public private(set) var skipped: Int64 = 0
  /// The largest packet accepted: three bytes a pixel plus 1 MiB, more than any real H.264
  /// picture of the stream's size; a larger one is a corrupt or hostile file.
  public let maximumPacketBytes: Int
  private var formatContext: UnsafeMutablePointer<AVFormatContext>?
  private let streamIndex: Int32
  private var clock: PacketClock
  private let packet: UnsafeMutablePointer<AVPacket>
  private let deadline: IODeadline
  private let options: MediaSourceOptions

  /// Opens `location` (a path or URL) and its best video stream.
  public init(_ location: String, options: MediaSourceOptions = MediaSourceOptions()) throws(CaptureError) {
    name = location
    self.options = options
    isLive = MediaSource.isNetworkURL(location)
    deadline = IODeadline(seconds: options.networkTimeoutSeconds)
    guard let packet = av_packet_alloc() else {
      throw CaptureError(source: location, kind: .systemError, reason: "out of memory")
    }
    self.packet = packet
    let context: UnsafeMutablePointer<AVFormatContext>
    let index: Int32
    do throws(CaptureError) {
      (context, index) = try MediaSource.openVideoStream(
        location, isLive: isLive, deadline: deadline, options: options)
    } catch {
      var unused: UnsafeMutablePointer<AVPacket>? = packet
      av_packet_free(&unused)
      throw error
    }
    let stream = context.pointee.streams[Int(index)]!
    guard let parameters = VideoStreamParameters(copying: stream.pointee.codecpar) else {
      var toClose: UnsafeMutablePointer<AVFormatContext>? = context
      avformat_close_input(&toClose)
      var unused: UnsafeMutablePointer<AVPacket>? = packet
      av_packet_free(&unused)
      throw CaptureError(source: location, kind: .systemError, reason: "out of memory")
    }
    formatContext = context
    streamIndex = index
    self.parameters = parameters
    clock = PacketClock(context: context, stream: stream)
    maximumPacketBytes = parameters.width * parameters.height * 3 + (1 << 20)
  }

  deinit {
    close()
    var unused: UnsafeMutablePointer<AVPacket>? = packet
    av_packet_free(&unused)
  }

  /// Releases the file or connection; `nextPacket()` then fails.
  public func close() { avformat_close_input(&formatContext) }

  /// Makes a blocked read return at once (safe from another thread); the source then ends.
  public func interrupt() { deadline.cancel() }

  /// The next packet of the video stream, or nil at the end of the input. A read error mid-file
  /// (truncation) ends the input like its end; a stalled network read fails with `.timedOut`.
  public func nextPacket() throws(CaptureError) -> EncodedPacket? {
    guard let formatContext else {
      throw CaptureError(source: name, kind: .closed, reason: "the source is closed")
    }
    while true {
      deadline.arm()
      let status = av_read_frame(formatContext, packet)
      defer { av_packet_unref(packet) }
      if status == hiyari_averror_eagain() && !deadline.expired { continue }
      if status < 0 {
        if deadline.expired {
          throw CaptureError(
            source: name, kind: .timedOut, reason: "no data for \(options.networkTimeoutSeconds) s")
        }
        return nil
      }
      guard packet.pointee.stream_index == streamIndex else { continue }
      guard packet.pointee.size > 0, Int(packet.pointee.size) <= maximumPacketBytes else {
        skipped += 1
        continue
      }
      delivered += 1
      return clock.packet(packet)
    }
  }
}
