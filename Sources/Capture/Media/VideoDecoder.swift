import CFFmpeg

/// A libavcodec video decoder: software with threads, or hardware where asked and present.
///
/// Decoded frames land in one reused `AVFrame` (hardware frames are copied to system memory), so
/// decoding allocates nothing per frame beyond libav's own buffer pools.
final class VideoDecoder {
  let context: UnsafeMutablePointer<AVCodecContext>
  /// The decoder libav chose, e.g. "h264" or "h264_v4l2m2m".
  let decoderName: String
  /// The hardware in use, or nil for software decoding.
  let hardware: String?
  private let hardwareFrame: UnsafeMutablePointer<AVFrame>
  private let source: String

  /// Opens a decoder for a stream's parameters.
  ///
  /// - Parameters:
  ///   - threads: decoder threads; 0 lets libavcodec pick one per core.
  ///   - lowDelay: prefer slice threads to frame threads, so a live source gets each frame as soon
  ///     as it is decoded rather than `threads` frames later.
  init(
    parameters: UnsafePointer<AVCodecParameters>, threads: Int, hardware request: HardwareDecoding,
    lowDelay: Bool, source: String
  ) throws(CaptureError) {
    self.source = source
    guard let software = avcodec_find_decoder(parameters.pointee.codec_id) else {
      let name = String(cString: avcodec_get_name(parameters.pointee.codec_id))
      throw CaptureError(source: source, kind: .invalidMedia, reason: "no decoder for codec \(name)")
    }
    guard let hardwareFrame = av_frame_alloc() else {
      throw CaptureError(source: source, kind: .systemError, reason: "out of memory")
    }
    self.hardwareFrame = hardwareFrame
    let candidates = VideoDecoder.candidates(for: request, software: software)
    var failures: [String] = []
    for candidate in candidates {
      switch VideoDecoder.open(
        candidate, parameters: parameters, threads: threads, lowDelay: lowDelay)
      {
      case .success(let opened):
        self.context = opened
        self.decoderName = String(cString: opened.pointee.codec.pointee.name)
        self.hardware = candidate.hardware
        return
      case .failure(let reason):
        failures.append("\(candidate.hardware ?? "software"): \(reason)")
      }
    }
    var unused: UnsafeMutablePointer<AVFrame>? = hardwareFrame
    av_frame_free(&unused)
    throw CaptureError(
      source: source, kind: request == .none ? .invalidMedia : .unsupportedFormat,
      reason: "cannot open a decoder (\(failures.joined(separator: "; ")))")
  }

  deinit {
    var context: UnsafeMutablePointer<AVCodecContext>? = context
    avcodec_free_context(&context)
    var frame: UnsafeMutablePointer<AVFrame>? = hardwareFrame
    av_frame_free(&frame)
  }

  /// Sends one packet (nil to start draining); returns libav's status.
  func send(_ packet: UnsafePointer<AVPacket>?) -> Int32 {
    avcodec_send_packet(context, packet)
  }

  /// Receives the next decoded frame into `frame` (which is unreferenced first); returns libav's
  /// status: 0, EAGAIN (needs input), EOF, or an error.
  func receive(into frame: UnsafeMutablePointer<AVFrame>) -> Int32 {
    av_frame_unref(frame)
    guard hardware != nil, context.pointee.hw_device_ctx != nil else {
      return avcodec_receive_frame(context, frame)
    }
    av_frame_unref(hardwareFrame)
    let status = avcodec_receive_frame(context, hardwareFrame)
    guard status == 0 else { return status }
    if hardwareFrame.pointee.hw_frames_ctx == nil {
      av_frame_move_ref(frame, hardwareFrame)
      return 0
    }
    let transfer = av_hwframe_transfer_data(frame, hardwareFrame, 0)
    guard transfer >= 0 else { return transfer }
    frame.pointee.pts = hardwareFrame.pointee.pts
    frame.pointee.best_effort_timestamp = hardwareFrame.pointee.best_effort_timestamp
    return 0
  }

  /// Drops buffered frames (after a seek or a stream discontinuity).
  func flush() { avcodec_flush_buffers(context) }

  private struct Candidate {
    var codec: UnsafePointer<AVCodec>
    var hardware: String?
    var deviceType: AVHWDeviceType
  }

  /// Decoders to try, best first.
  private static func candidates(for request: HardwareDecoding, software: UnsafePointer<AVCodec>)
    -> [Candidate]
  {
    let softwareCandidate = Candidate(codec: software, hardware: nil, deviceType: AV_HWDEVICE_TYPE_NONE)
    func hardwareCandidate(_ name: String) -> Candidate? {
      if name == "v4l2m2m" {
        // Stateful V4L2 memory-to-memory codecs (Raspberry Pi, RK3588) are separate decoders.
        let codecName = String(cString: software.pointee.name)
        guard let codec = avcodec_find_decoder_by_name("\(codecName)_v4l2m2m") else { return nil }
        return Candidate(codec: codec, hardware: name, deviceType: AV_HWDEVICE_TYPE_NONE)
      }
      let type = av_hwdevice_find_type_by_name(name)
      guard type != AV_HWDEVICE_TYPE_NONE else { return nil }
      return Candidate(codec: software, hardware: name, deviceType: type)
    }
    switch request {
    case .none:
      return [softwareCandidate]
    case .required(let name):
      return hardwareCandidate(name).map { [$0] } ?? [
        Candidate(codec: software, hardware: name, deviceType: AV_HWDEVICE_TYPE_NONE)
      ]
    case .auto:
      return ["v4l2m2m", "vaapi", "cuda"].compactMap(hardwareCandidate) + [softwareCandidate]
    }
  }

  private static func open(
    _ candidate: Candidate, parameters: UnsafePointer<AVCodecParameters>, threads: Int,
    lowDelay: Bool
  ) -> Result<UnsafeMutablePointer<AVCodecContext>, DecoderOpenFailure> {
    if let hardware = candidate.hardware, candidate.deviceType == AV_HWDEVICE_TYPE_NONE,
      !String(cString: candidate.codec.pointee.name).hasSuffix("_v4l2m2m")
    {
      return .failure(DecoderOpenFailure("libavcodec has no \(hardware) support for this codec"))
    }
    guard let context = avcodec_alloc_context3(candidate.codec) else {
      return .failure(DecoderOpenFailure("out of memory"))
    }
    var status = avcodec_parameters_to_context(context, parameters)
    if status >= 0, candidate.deviceType != AV_HWDEVICE_TYPE_NONE {
      var device: UnsafeMutablePointer<AVBufferRef>?
      status = av_hwdevice_ctx_create(&device, candidate.deviceType, nil, nil, 0)
      context.pointee.hw_device_ctx = device
    }
    if status >= 0 {
      context.pointee.thread_count = Int32(max(threads, 0))
      context.pointee.thread_type = lowDelay ? FF_THREAD_SLICE : (FF_THREAD_FRAME | FF_THREAD_SLICE)
      status = avcodec_open2(context, candidate.codec, nil)
    }
    guard status >= 0 else {
      var toFree: UnsafeMutablePointer<AVCodecContext>? = context
      avcodec_free_context(&toFree)
      return .failure(DecoderOpenFailure(libavErrorText(status)))
    }
    return .success(context)
  }
}

/// Why one decoder candidate could not be opened.
struct DecoderOpenFailure: Error, CustomStringConvertible {
  var reason: String
  var description: String { reason }
  init(_ reason: String) { self.reason = reason }
}
