import Capture

/// Records MP4 clips around events from a continuous video stream.
///
/// Every packet of the stream passes through a ring (`EncodedFrameRing`) holding the last
/// pre-roll plus a GOP. When an event is marked, a clip opens: it starts with the ring's packets
/// from the newest keyframe at or before `event start - pre-roll`, takes every packet that
/// follows, and closes at the first packet whose decode time is at or past `event end +
/// post-roll`. An event marked while a clip is open extends that clip instead of opening another.
///
/// Two kinds of source:
/// - packets (`init(store:parameters:configuration:)`, `append(_: EncodedPacket)`): an H.264
///   file or stream is copied as it is, never re-encoded;
/// - frames (`init(store:encoderSettings:configuration:)`, `append(_: Frame)`): a raw camera's
///   frames are encoded with libx264 as they arrive, since the ring must hold encoded video.
///
/// Clips go into a `ClipStore`, which the recorder tells which clip is active and asks to
/// reclaim space when a clip opens, at each keyframe while one is written, and when it closes.
public final class ClipRecorder {
  public let configuration: ClipRecorderConfiguration
  public let store: ClipStore
  /// The recent packets (for inspection; the recorder owns it).
  public private(set) var ring: EncodedFrameRing
  /// The last space reclaim's report.
  public private(set) var lastReclaim: ReclaimReport?
  private let parameters: VideoStreamParameters
  private let encoder: H264Encoder?
  private var clip: OpenClip?
  /// Clips that closed while an event was being marked (its whole span was already in the ring),
  /// handed out by the next `append` or `finish`.
  private var closedWhileMarking: [FinishedClip] = []

  private struct OpenClip {
    var writer: MP4Writer
    var endNanoseconds: Int64
    var keep: Bool
    var startNanoseconds: Int64?
    var shownEndNanoseconds: Int64 = .min
    var lastDecodeNanoseconds: Int64 = .min
  }

  /// Records clips by copying packets of a compressed stream described by `parameters` (from
  /// `MediaPacketSource.parameters` or `MediaSource.streamParameters`).
  public init(store: ClipStore, parameters: VideoStreamParameters, configuration: ClipRecorderConfiguration) {
    self.store = store
    self.parameters = parameters
    self.configuration = configuration
    encoder = nil
    ring = ClipRecorder.ring(for: configuration)
  }

  /// Records clips from raw frames, encoding every frame with `encoderSettings` (the GOP is
  /// taken from them for the ring's size).
  public init(
    store: ClipStore, encoderSettings: H264EncoderSettings, configuration: ClipRecorderConfiguration
  ) throws(CaptureError) {
    let encoder = try H264Encoder(settings: encoderSettings)
    self.encoder = encoder
    self.store = store
    self.parameters = encoder.parameters
    var configuration = configuration
    configuration.longestGOPNanoseconds =
      Int64(encoderSettings.keyframeInterval) * 1_000_000_000 / Int64(encoderSettings.framesPerSecond)
    self.configuration = configuration
    ring = ClipRecorder.ring(for: configuration)
  }

  /// A ring that holds the pre-roll from a keyframe: pre-roll plus the longest GOP.
  private static func ring(for configuration: ClipRecorderConfiguration) -> EncodedFrameRing {
    EncodedFrameRing(
      maximumBytes: configuration.ringMaximumBytes,
      maximumDurationNanoseconds: max(
        1, configuration.preRollNanoseconds + configuration.longestGOPNanoseconds))
  }

  /// The path of the clip being written, if any.
  public var activeClip: String? { clip?.writer.path }

  /// Marks an event spanning `start...end` (source clock). Opens a clip, or extends the open one.
  /// `keep` marks the clip so the store never deletes it. Returns the clip's path.
  @discardableResult
  public func markEvent(from start: Int64, to end: Int64, keep: Bool = false) throws -> String {
    let clipEnd = max(start, end) + configuration.postRollNanoseconds
    if var open = clip {
      open.endNanoseconds = max(open.endNanoseconds, clipEnd)
      open.keep = open.keep || keep
      clip = open
      return open.writer.path
    }
    let path = store.newClipPath()
    let writer = try MP4Writer(path: path, parameters: parameters)
    clip = OpenClip(writer: writer, endNanoseconds: clipEnd, keep: keep)
    store.activeClip = path
    lastReclaim = try store.reclaim()
    for packet in ring.packets(startingAtOrBefore: start - configuration.preRollNanoseconds) {
      if let closed = try record(packet) { closedWhileMarking.append(closed) }
      if clip == nil { break }
    }
    return path
  }

  /// Marks an instantaneous event at `time`.
  @discardableResult
  public func markEvent(at time: Int64, keep: Bool = false) throws -> String {
    try markEvent(from: time, to: time, keep: keep)
  }

  /// Takes the stream's next packet (packet sources). Returns the clips that closed.
  @discardableResult
  public func append(_ packet: EncodedPacket) throws -> [FinishedClip] {
    var finished = closedWhileMarking
    closedWhileMarking = []
    if let closed = try take(packet) { finished.append(closed) }
    return finished
  }

  private func take(_ packet: EncodedPacket) throws -> FinishedClip? {
    ring.append(packet)
    return try record(packet)
  }

  /// Passes `packet` to the open clip: closes the clip at a discontinuity or past its end, and
  /// splits it at a keyframe past the maximum length.
  private func record(_ packet: EncodedPacket) throws -> FinishedClip? {
    guard var open = clip else { return nil }
    if open.startNanoseconds != nil, packet.decodeNanoseconds <= open.lastDecodeNanoseconds {
      // Time went back (a reconnected stream): keep what was recorded, as a clip of its own.
      return try close()
    }
    if packet.isKeyframe, let start = open.startNanoseconds,
      packet.presentationNanoseconds - start >= configuration.maximumClipNanoseconds
    {
      // Too long: close here and carry on in a new clip that starts at this keyframe.
      let finished = try close()
      let path = store.newClipPath()
      open = OpenClip(
        writer: try MP4Writer(path: path, parameters: parameters), endNanoseconds: open.endNanoseconds,
        keep: open.keep)
      clip = open
      store.activeClip = path
      try write(packet)
      return finished
    }
    if packet.isKeyframe { lastReclaim = try store.reclaim() }
    return try write(packet)
  }

  /// Takes the camera's next raw frame (frame sources): encodes it and passes its packets on.
  @discardableResult
  public func append(_ frame: Frame) throws -> [FinishedClip] {
    guard let encoder else {
      throw CaptureError(
        source: "clip recorder", kind: .unsupportedFormat,
        reason: "this recorder copies packets; it was not set up to encode frames")
    }
    return try encoder.encode(frame).flatMap { try append($0) }
  }

  /// The stream ended: drains the encoder (frame sources) and closes the open clip, if any.
  @discardableResult
  public func finish() throws -> [FinishedClip] {
    var finished: [FinishedClip] = []
    if let encoder {
      for packet in try encoder.finish() { finished += try append(packet) }
    }
    finished += closedWhileMarking
    closedWhileMarking = []
    if clip != nil, let closed = try close() { finished.append(closed) }
    return finished
  }

  /// Writes `packet` to the open clip, or closes the clip if the packet is past its end.
  @discardableResult
  private func write(_ packet: EncodedPacket) throws -> FinishedClip? {
    guard var open = clip else { return nil }
    if packet.decodeNanoseconds >= open.endNanoseconds { return try close() }
    if open.startNanoseconds == nil && !packet.isKeyframe { return nil }
    do {
      try open.writer.write(packet)
    } catch {
      abandon()
      throw error
    }
    open.startNanoseconds = open.startNanoseconds ?? packet.presentationNanoseconds
    open.lastDecodeNanoseconds = packet.decodeNanoseconds
    open.shownEndNanoseconds = max(
      open.shownEndNanoseconds, packet.presentationNanoseconds + packet.durationNanoseconds)
    clip = open
    return nil
  }

  /// Finishes the open clip; nil if it got no packet (then nothing is left on disk).
  private func close() throws -> FinishedClip? {
    guard let open = clip else { return nil }
    clip = nil
    store.activeClip = nil
    guard let start = open.startNanoseconds else {
      open.writer.abandon()
      return nil
    }
    try open.writer.finish()
    if open.keep { try store.keep(open.writer.path) }
    lastReclaim = try store.reclaim()
    return FinishedClip(
      path: open.writer.path, startNanoseconds: start, endNanoseconds: open.shownEndNanoseconds,
      packetCount: open.writer.packetCount, isKept: open.keep)
  }

  private func abandon() {
    clip?.writer.abandon()
    clip = nil
    store.activeClip = nil
  }
}
