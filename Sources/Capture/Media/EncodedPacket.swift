import CFFmpeg

/// One compressed video packet (an access unit) with its timing, owned by Swift so it can outlive
/// the reader or encoder that produced it (a ring of recent packets, a clip being written).
///
/// Times are nanoseconds on the producer's clock: the presentation time of a file's first frame
/// is 0, an encoder's packets carry the times of the frames it was given.
public struct EncodedPacket: Sendable, Equatable {
  /// The packet's bytes as the container or encoder gave them (length-prefixed NAL units from
  /// MP4/MKV, Annex-B from raw streams and from libx264).
  public var bytes: [UInt8]
  public var presentationNanoseconds: Int64
  /// Decode time; equal to the presentation time for streams without B-frames.
  public var decodeNanoseconds: Int64
  /// How long the frame shows; 0 when the producer did not say.
  public var durationNanoseconds: Int64
  /// Whether decoding can start here (an IDR picture for H.264).
  public var isKeyframe: Bool

  public init(
    bytes: [UInt8], presentationNanoseconds: Int64, decodeNanoseconds: Int64, durationNanoseconds: Int64,
    isKeyframe: Bool
  ) {
    self.bytes = bytes
    self.presentationNanoseconds = presentationNanoseconds
    self.decodeNanoseconds = decodeNanoseconds
    self.durationNanoseconds = durationNanoseconds
    self.isKeyframe = isKeyframe
  }

  /// Copies a libav packet whose timestamps are in `timeBase`, taking `origin` (in the same time
  /// base) as time 0. Missing timestamps are filled from each other (pts from dts and back).
  init(_ packet: UnsafePointer<AVPacket>, timeBase: AVRational, origin: Int64) {
    let none = hiyari_av_nopts_value()
    var pts = packet.pointee.pts
    var dts = packet.pointee.dts
    if pts == none { pts = dts }
    if dts == none { dts = pts }
    let nanosecond = AVRational(num: 1, den: 1_000_000_000)
    let size = Int(max(packet.pointee.size, 0))
    self.init(
      bytes: packet.pointee.data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [],
      presentationNanoseconds: pts == none ? 0 : av_rescale_q(pts - origin, timeBase, nanosecond),
      decodeNanoseconds: dts == none ? 0 : av_rescale_q(dts - origin, timeBase, nanosecond),
      durationNanoseconds: packet.pointee.duration > 0
        ? av_rescale_q(packet.pointee.duration, timeBase, nanosecond) : 0,
      isKeyframe: packet.pointee.flags & AV_PKT_FLAG_KEY != 0)
  }
}
