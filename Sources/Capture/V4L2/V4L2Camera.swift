import CFFmpeg
import CV4L2

#if canImport(Glibc)
  import Glibc
#endif

/// A V4L2 camera streaming through mmap buffers.
///
/// Latest frame wins: each `nextFrame()` drains every buffer the driver has filled, keeps the
/// newest and re-queues the rest (counted as `skippedAsStale`); gaps in the driver's sequence
/// numbers are frames the driver dropped (`droppedByDriver`). Frames point straight into the
/// driver's buffers (raw formats) or into the MJPEG decoder's frame, so steady-state capture
/// allocates nothing. A camera that disappears (unplugged, driver unbound) is reopened with
/// back-off until `reconnectTimeoutSeconds` passes.
public final class V4L2Camera: FrameSource {
  public let name: String
  public var isLive: Bool { true }
  public private(set) var statistics = CaptureStatistics()
  /// What the device reported when it was opened.
  public private(set) var info: V4L2DeviceInfo
  /// The mode in use, as the driver confirmed it.
  public private(set) var mode: NegotiatedMode
  public private(set) var format: PixelFormat

  private let request: CameraRequest
  private var device: V4L2Device?
  private var buffers: [UnsafeMutableRawBufferPointer] = []
  private var heldBuffer: UInt32?
  private var bytesPerLine = 0
  private var lastDriverSequence: Int64?
  private var sequenceOffset: Int64 = 0
  private var lastDeliveredSequence: Int64 = -1
  private let frame = Frame()
  private var jpeg: JPEGDecoder?
  private var consecutiveCorruptFrames = 0
  /// Corrupt MJPEG frames in a row after which the camera is reported broken.
  static let maximumConsecutiveCorruptFrames = 100

  /// Opens `path`, negotiates the mode closest to `request` and starts streaming.
  public init(path: String, request: CameraRequest = CameraRequest()) throws(CaptureError) {
    guard (2...32).contains(request.bufferCount) else {
      throw CaptureError(
        source: path, kind: .unsupportedFormat,
        reason: "buffer count must be 2...32, not \(request.bufferCount)")
    }
    name = path
    self.request = request
    let device = try V4L2Device(path: path)
    let info = try device.describe()
    guard info.canCapture else {
      throw CaptureError(
        source: path, kind: .notACaptureDevice,
        reason: "\(info.card) (\(info.driver)) is not a video capture device")
    }
    guard info.canStream else {
      throw CaptureError(
        source: path, kind: .notACaptureDevice, reason: "\(info.card) (\(info.driver)) cannot stream")
    }
    let mode: NegotiatedMode
    switch FormatNegotiation.choose(from: info.formats, for: request) {
    case .success(let chosen): mode = chosen
    case .failure(let failure):
      throw CaptureError(source: path, kind: .unsupportedFormat, reason: failure.description)
    }
    self.info = info
    self.mode = mode
    self.format = PixelFormat(fourCC: mode.fourCC)!
    self.device = device
    try start(device)
  }

  deinit { close() }

  public func close() {
    stopStreaming()
    device?.close()
    device = nil
  }

  public func nextFrame() throws(CaptureError) -> Frame? {
    while true {
      guard let device else {
        try reconnect(after: CaptureError(source: name, kind: .disconnected, reason: "device closed"))
        continue
      }
      do throws(CaptureError) {
        let frame = try captureNewest(device)
        consecutiveCorruptFrames = 0
        return frame
      } catch  where error.kind == .disconnected && request.reconnectTimeoutSeconds > 0 {
        try reconnect(after: error)
      } catch  where error.kind == .invalidMedia && format == .mjpeg {
        // A damaged JPEG (a short USB transfer) costs one frame, not the stream.
        statistics.decodeErrors += 1
        consecutiveCorruptFrames += 1
        if consecutiveCorruptFrames > V4L2Camera.maximumConsecutiveCorruptFrames { throw error }
      }
    }
  }

  /// Frame period the driver confirmed, in frames per second (nil if it reports none).
  public var framesPerSecond: Double? { mode.interval?.framesPerSecond }

  // MARK: Streaming

  private func start(_ device: V4L2Device) throws(CaptureError) {
    var format = v4l2_format()
    format.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    format.fmt.pix.width = UInt32(mode.width)
    format.fmt.pix.height = UInt32(mode.height)
    format.fmt.pix.pixelformat = mode.fourCC
    format.fmt.pix.field = V4L2_FIELD_NONE.rawValue
    if let code = device.control(hiyari_vidioc_s_fmt(), &format) { throw device.fail("VIDIOC_S_FMT", code) }
    guard let confirmed = PixelFormat(fourCC: format.fmt.pix.pixelformat) else {
      throw CaptureError(
        source: name, kind: .unsupportedFormat,
        reason: "driver substituted format \(FourCC.string(format.fmt.pix.pixelformat))")
    }
    mode.fourCC = format.fmt.pix.pixelformat
    mode.width = Int(format.fmt.pix.width)
    mode.height = Int(format.fmt.pix.height)
    self.format = confirmed
    bytesPerLine = Int(format.fmt.pix.bytesperline)
    if bytesPerLine == 0 {
      bytesPerLine =
        mode.width
        * (confirmed == .yuyv || confirmed == .uyvy ? 2 : confirmed == .rgb24 || confirmed == .bgr24 ? 3 : 1)
    }
    if let interval = mode.interval {
      // Without an explicit interval some drivers (vivid among them) stay at a slow default.
      var parameters = v4l2_streamparm()
      parameters.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
      parameters.parm.capture.timeperframe = v4l2_fract(
        numerator: interval.numerator, denominator: interval.denominator)
      if device.control(hiyari_vidioc_s_parm(), &parameters) == nil {
        let applied = parameters.parm.capture.timeperframe
        if applied.numerator > 0, applied.denominator > 0 {
          mode.interval = FrameInterval(numerator: applied.numerator, denominator: applied.denominator)
        }
      }
    }
    if confirmed == .mjpeg, jpeg == nil {
      jpeg = try JPEGDecoder(width: mode.width, height: mode.height, source: name)
    }
    try mapBuffers(device)
    var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
    if let code = device.control(hiyari_vidioc_streamon(), &type) {
      throw device.fail("VIDIOC_STREAMON", code)
    }
  }

  private func mapBuffers(_ device: V4L2Device) throws(CaptureError) {
    var requestBuffers = v4l2_requestbuffers()
    requestBuffers.count = UInt32(request.bufferCount)
    requestBuffers.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    requestBuffers.memory = V4L2_MEMORY_MMAP.rawValue
    if let code = device.control(hiyari_vidioc_reqbufs(), &requestBuffers) {
      throw device.fail("VIDIOC_REQBUFS", code)
    }
    guard requestBuffers.count >= 2 else {
      throw CaptureError(
        source: name, kind: .systemError,
        reason: "driver granted \(requestBuffers.count) buffers; at least 2 are needed")
    }
    for index in 0..<requestBuffers.count {
      var buffer = v4l2_buffer()
      buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
      buffer.memory = V4L2_MEMORY_MMAP.rawValue
      buffer.index = index
      if let code = device.control(hiyari_vidioc_querybuf(), &buffer) {
        throw device.fail("VIDIOC_QUERYBUF", code)
      }
      let address = v4l2_mmap(
        nil, Int(buffer.length), PROT_READ | PROT_WRITE, MAP_SHARED, device.descriptor, Int64(buffer.m.offset)
      )
      guard let address, address != MAP_FAILED else {
        throw CaptureError(
          source: name, kind: .systemError,
          reason: "mmap of buffer \(index) failed: \(V4L2Device.errorText(errno))")
      }
      buffers.append(UnsafeMutableRawBufferPointer(start: address, count: Int(buffer.length)))
      if let code = device.control(hiyari_vidioc_qbuf(), &buffer) { throw device.fail("VIDIOC_QBUF", code) }
    }
  }

  private func stopStreaming() {
    if let device, device.descriptor >= 0 {
      var type = Int32(V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue)
      _ = device.control(hiyari_vidioc_streamoff(), &type)
    }
    for buffer in buffers { v4l2_munmap(buffer.baseAddress, buffer.count) }
    buffers.removeAll(keepingCapacity: true)
    heldBuffer = nil
  }

  private func captureNewest(_ device: V4L2Device) throws(CaptureError) -> Frame {
    if let held = heldBuffer {
      heldBuffer = nil
      try queue(held, device)
    }
    try waitReadable(device)
    var newest = try dequeue(device, required: true)!
    // Latest frame wins: anything older that is already waiting goes back to the driver. Poll
    // first, since libv4l2 logs an error for every DQBUF that finds no buffer ready.
    while hasFilledBuffer(device), let newer = try dequeue(device, required: false) {
      try queue(newest.index, device)
      statistics.skippedAsStale += 1
      newest = newer
    }
    heldBuffer = newest.index
    return try present(newest)
  }

  private func hasFilledBuffer(_ device: V4L2Device) -> Bool {
    var descriptor = pollfd(fd: device.descriptor, events: Int16(POLLIN), revents: 0)
    return poll(&descriptor, 1, 0) > 0 && descriptor.revents & Int16(POLLIN) != 0
  }

  private func waitReadable(_ device: V4L2Device) throws(CaptureError) {
    var descriptor = pollfd(fd: device.descriptor, events: Int16(POLLIN), revents: 0)
    let timeout = Int32(request.frameTimeoutSeconds * 1000)
    while true {
      let ready = poll(&descriptor, 1, timeout)
      if ready < 0 && errno == EINTR { continue }
      if ready < 0 { throw device.fail("poll", errno) }
      if ready == 0 {
        throw CaptureError(
          source: name, kind: .timedOut, reason: "no frame within \(request.frameTimeoutSeconds) s")
      }
      if descriptor.revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0
        && descriptor.revents & Int16(POLLIN) == 0
      {
        throw CaptureError(
          source: name, kind: .disconnected, reason: "device reported an error while streaming (unplugged?)")
      }
      return
    }
  }

  private func dequeue(_ device: V4L2Device, required: Bool) throws(CaptureError) -> v4l2_buffer? {
    var buffer = v4l2_buffer()
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    buffer.memory = V4L2_MEMORY_MMAP.rawValue
    if let code = device.control(hiyari_vidioc_dqbuf(), &buffer) {
      if code == EAGAIN && !required { return nil }
      if code == EAGAIN {
        throw CaptureError(
          source: name, kind: .timedOut, reason: "poll said readable but no buffer was ready")
      }
      throw device.fail("VIDIOC_DQBUF", code)
    }
    guard Int(buffer.index) < buffers.count else {
      throw CaptureError(
        source: name, kind: .systemError, reason: "driver returned unknown buffer \(buffer.index)")
    }
    let sequence = Int64(buffer.sequence)
    if let last = lastDriverSequence, sequence > last + 1 {
      statistics.droppedByDriver += sequence - last - 1
    }
    lastDriverSequence = sequence
    return buffer
  }

  private func queue(_ index: UInt32, _ device: V4L2Device) throws(CaptureError) {
    var buffer = v4l2_buffer()
    buffer.type = V4L2_BUF_TYPE_VIDEO_CAPTURE.rawValue
    buffer.memory = V4L2_MEMORY_MMAP.rawValue
    buffer.index = index
    if let code = device.control(hiyari_vidioc_qbuf(), &buffer) { throw device.fail("VIDIOC_QBUF", code) }
  }

  private func present(_ buffer: v4l2_buffer) throws(CaptureError) -> Frame {
    let memory = buffers[Int(buffer.index)]
    let used = min(Int(buffer.bytesused == 0 ? buffer.length : buffer.bytesused), memory.count)
    let timestamp = Int64(buffer.timestamp.tv_sec) * 1_000_000_000 + Int64(buffer.timestamp.tv_usec) * 1000
    let sequence = sequenceOffset + Int64(buffer.sequence)
    if format == .mjpeg {
      let decoded = try jpeg!.decode(UnsafeRawBufferPointer(rebasing: memory[0..<used]), into: frame)
      lastDeliveredSequence = sequence
      statistics.delivered += 1
      frame.assign(
        format: decoded.format, width: decoded.width, height: decoded.height, timestampNanoseconds: timestamp,
        sequence: sequence, isFullRange: decoded.isFullRange)
      frame.encodedByteCount = used
      return frame
    }
    lastDeliveredSequence = sequence
    statistics.delivered += 1
    frame.assign(
      format: format, width: mode.width, height: mode.height, timestampNanoseconds: timestamp,
      sequence: sequence)
    frame.encodedByteCount = 0
    let base = UnsafeRawPointer(memory.baseAddress!)
    let lumaBytes = bytesPerLine * mode.height
    let chromaRows = (mode.height + 1) / 2
    let needed: Int
    switch format {
    case .nv12:
      needed = lumaBytes + bytesPerLine * chromaRows
      frame.setPlanes(
        FramePlane(base: base, bytesPerRow: bytesPerLine, rows: mode.height),
        FramePlane(base: base + lumaBytes, bytesPerRow: bytesPerLine, rows: chromaRows))
    case .yuv420p:
      let chromaStride = bytesPerLine / 2
      needed = lumaBytes + 2 * chromaStride * chromaRows
      frame.setPlanes(
        FramePlane(base: base, bytesPerRow: bytesPerLine, rows: mode.height),
        FramePlane(base: base + lumaBytes, bytesPerRow: chromaStride, rows: chromaRows),
        FramePlane(
          base: base + lumaBytes + chromaStride * chromaRows, bytesPerRow: chromaStride, rows: chromaRows))
    case .yuv422p:
      let chromaStride = bytesPerLine / 2
      needed = lumaBytes + 2 * chromaStride * mode.height
      frame.setPlanes(
        FramePlane(base: base, bytesPerRow: bytesPerLine, rows: mode.height),
        FramePlane(base: base + lumaBytes, bytesPerRow: chromaStride, rows: mode.height),
        FramePlane(
          base: base + lumaBytes + chromaStride * mode.height, bytesPerRow: chromaStride, rows: mode.height))
    default:
      needed = lumaBytes
      frame.setPlanes(FramePlane(base: base, bytesPerRow: bytesPerLine, rows: mode.height))
    }
    guard needed <= memory.count else {
      throw CaptureError(
        source: name, kind: .systemError,
        reason:
          "driver buffer of \(memory.count) bytes is smaller than a \(mode.width)x\(mode.height) \(format) frame"
      )
    }
    return frame
  }

  // MARK: Recovery

  /// Reopens the device with exponential back-off (100 ms doubling to 2 s) until it streams again
  /// or `reconnectTimeoutSeconds` passes.
  private func reconnect(after failure: CaptureError) throws(CaptureError) {
    stopStreaming()
    device?.close()
    device = nil
    guard request.reconnectTimeoutSeconds > 0 else { throw failure }
    let giveUp = IODeadline.now() + Int64(request.reconnectTimeoutSeconds * 1e9)
    var backoff = 0.1
    var lastError = failure
    while IODeadline.now() < giveUp {
      var pause = timespec(tv_sec: Int(backoff), tv_nsec: Int((backoff - Double(Int(backoff))) * 1e9))
      nanosleep(&pause, nil)
      backoff = min(backoff * 2, 2)
      do throws(CaptureError) {
        let reopened = try V4L2Device(path: name)
        let info = try reopened.describe()
        guard info.canCapture, info.canStream else { continue }
        self.info = info
        device = reopened
        lastDriverSequence = nil
        sequenceOffset = lastDeliveredSequence + 1
        try start(reopened)
        statistics.reconnects += 1
        return
      } catch {
        lastError = error
        stopStreaming()
        device?.close()
        device = nil
      }
    }
    throw CaptureError(
      source: name, kind: .disconnected,
      reason:
        "lost (\(failure.reason)) and not back within \(request.reconnectTimeoutSeconds) s (last attempt: \(lastError.reason))"
    )
  }
}
