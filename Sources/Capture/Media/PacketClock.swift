import CFFmpeg

/// Puts a demuxed stream's packets on the clock its decoded frames use: nanoseconds from the
/// stream's start time. Raw elementary streams (Annex-B H.264, ...) carry no timestamps; their
/// packets are timed by adding up frame durations from 0, as `MediaSource` times their frames.
/// Raw streams with B-frames get presentation = decode time (their reordering is not recovered).
struct PacketClock {
  let timeBase: AVRational
  /// The stream's start time in `timeBase`: time 0.
  let origin: Int64
  /// Whether the container has no timestamps at all (raw H.264/H.265/MJPEG streams).
  let isUntimed: Bool
  /// The duration to assume when a packet states none (from the stream's frame rate, else 25 fps).
  let assumedFrameNanoseconds: Int64
  private var nextUntimedNanoseconds: Int64 = 0

  init(context: UnsafePointer<AVFormatContext>, stream: UnsafePointer<AVStream>) {
    timeBase = stream.pointee.time_base
    origin = stream.pointee.start_time == hiyari_av_nopts_value() ? 0 : stream.pointee.start_time
    isUntimed = MediaSource.elementaryStreamFormats.contains(
      String(cString: context.pointee.iformat.pointee.name))
    let frameRate = stream.pointee.r_frame_rate
    assumedFrameNanoseconds =
      frameRate.num > 0 && frameRate.den > 0
      ? Int64(frameRate.den) * 1_000_000_000 / Int64(frameRate.num) : 40_000_000
  }

  /// A Swift copy of `packet` with its times in nanoseconds.
  mutating func packet(_ packet: UnsafePointer<AVPacket>) -> EncodedPacket {
    var copy = EncodedPacket(packet, timeBase: timeBase, origin: origin)
    if isUntimed {
      if copy.durationNanoseconds <= 0 { copy.durationNanoseconds = assumedFrameNanoseconds }
      copy.presentationNanoseconds = nextUntimedNanoseconds
      copy.decodeNanoseconds = nextUntimedNanoseconds
      nextUntimedNanoseconds += copy.durationNanoseconds
    }
    return copy
  }
}
