import CFFmpeg

/// What a muxer needs to know about a compressed video stream: codec, size and the codec's
/// configuration (for H.264 the SPS and PPS, as avcC or Annex-B extradata). A reader or an
/// encoder hands this to `MP4Writer` so the clip's header describes the stream it carries.
///
/// Immutable after creation, so it may be shared across threads.
public final class VideoStreamParameters: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<AVCodecParameters>

  /// Copies `parameters`; nil if libav cannot allocate.
  init?(copying parameters: UnsafePointer<AVCodecParameters>) {
    guard let copy = avcodec_parameters_alloc() else { return nil }
    guard avcodec_parameters_copy(copy, parameters) >= 0 else {
      var unused: UnsafeMutablePointer<AVCodecParameters>? = copy
      avcodec_parameters_free(&unused)
      return nil
    }
    pointer = copy
  }

  /// Copies an opened encoder's parameters; nil if libav cannot allocate.
  init?(encoder: UnsafePointer<AVCodecContext>) {
    guard let copy = avcodec_parameters_alloc() else { return nil }
    guard avcodec_parameters_from_context(copy, encoder) >= 0 else {
      var unused: UnsafeMutablePointer<AVCodecParameters>? = copy
      avcodec_parameters_free(&unused)
      return nil
    }
    pointer = copy
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
