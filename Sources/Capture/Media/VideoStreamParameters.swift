import CFFmpeg

/// What a muxer needs to know about a compressed video stream: codec, size and the codec's
/// configuration (for H.264 the SPS and PPS, as avcC or Annex-B extradata). A reader or an
/// encoder hands this to `MP4Writer` so the clip's header describes the stream it carries.
///
/// Immutable after creation, so it may be shared across threads.
public final class VideoStreamParameters: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<AVCodecParameters>

  /// Copies `parameters`; nil if libav cannot allocate.
  convenience init?(copying parameters: UnsafePointer<AVCodecParameters>) {
    self.init(filledBy: { avcodec_parameters_copy($0, parameters) })
  }

  /// Copies an opened encoder's parameters; nil if libav cannot allocate.
  convenience init?(encoder: UnsafePointer<AVCodecContext>) {
    self.init(filledBy: { avcodec_parameters_from_context($0, encoder) })
  }

  /// Allocates parameters and lets `fill` set them (a libav status: negative is a failure).
  private init?(filledBy fill: (UnsafeMutablePointer<AVCodecParameters>) -> Int32) {
    guard let made = avcodec_parameters_alloc() else { return nil }
    guard fill(made) >= 0 else {
      var unused: UnsafeMutablePointer<AVCodecParameters>? = made
      avcodec_parameters_free(&unused)
      return nil
    }
    pointer = made
  }

  deinit {
    var unused: UnsafeMutablePointer<AVCodecParameters>? = pointer
    avcodec_parameters_free(&unused)
  }

  /// libavcodec's codec name, e.g. "h264".
  public var codecName: String { String(cString: avcodec_get_name(pointer.pointee.codec_id)) }
  public var isH264: Bool { pointer.pointee.codec_id == AV_CODEC_ID_H264 }
  public var width: Int { Int(pointer.pointee.width) }
  public var height: Int { Int(pointer.pointee.height) }
  /// The codec configuration bytes (avcC or Annex-B SPS/PPS for H.264); empty when the stream
  /// carries them in-band only.
  public var extradata: [UInt8] {
    guard let data = pointer.pointee.extradata, pointer.pointee.extradata_size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: Int(pointer.pointee.extradata_size)))
  }
}
