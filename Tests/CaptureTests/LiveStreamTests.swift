import Foundation
import Testing

@testable import Capture

/// Real network streams: ffmpeg serving MPEG-TS over TCP, a GStreamer RTSP server, and peers that
/// refuse, stay silent or stall. Servers run on random free ports and are stopped on every path.
///
/// Serialized: the slow-consumer and timeout checks measure time, and two live streams decoding
/// at once on a 2-core machine would only blur that.
@Suite("Live network streams", .serialized)
struct LiveStreamTests {
  /// ffmpeg's decode of `clip`, as a set of packed frames: every frame a live source delivers
  /// must be one of these, bit for bit (a live source may skip frames, never alter them).
  static func referenceSet(_ clip: String, width: Int, height: Int, in directory: TemporaryDirectory) throws
    -> Set<[UInt8]>
  {
    let layout = PlaneLayout(format: .yuv420p, width: width, height: height)
    return Set(try MediaTools.referenceFrames(clip, pixelFormat: "yuv420p", layout: layout, in: directory))
  }

  static let zeroLatency = [
    "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "25", "-pix_fmt", "yuv420p",
  ]

  @Test("MPEG-TS over TCP: a slow consumer gets the newest frames, stale ones are counted, close is prompt")
  func tcpLatestFrameWins() throws {
    let directory = try TemporaryDirectory()
    let clip = directory.file("live.ts")
    // 6 s of video: the test consumes about 2 s of it, then closes mid-stream.
    try MediaTools.encode(pattern: "testsrc2=size=176x144:rate=25", frames: 150, to: clip, Self.zeroLatency)
    let reference = try Self.referenceSet(clip, width: 176, height: 144, in: directory)

    let port = try freeLocalPort()
    let log = directory.file("server.log")
    // -re paces the stream at its frame rate, as a camera would.
    let server = try MediaTools.start(
      "ffmpeg",
      [
        "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-i", clip, "-c", "copy", "-f", "mpegts",
        "tcp://127.0.0.1:\(port)?listen=1",
      ], log: log)
    defer { MediaTools.stop(server) }
    try waitUntilListening(port: port, process: server, log: log)

    var options = MediaSourceOptions()
    options.networkTimeoutSeconds = 5
    let source = try FrameSources.open("tcp://127.0.0.1:\(port)", media: options)
    defer { source.close() }
    #expect(source is LatestFrameSource)
    #expect(source.isLive)
    #expect(source.name == "tcp://127.0.0.1:\(port)")

    var timestamps: [Int64] = []
    let framePeriodMicroseconds: UInt32 = 40_000
    for _ in 0..<12 {
      guard let frame = try source.nextFrame() else {
        Issue.record("the stream ended after \(timestamps.count) frames")
        break
      }
      #expect(frame.format == .yuv420p && frame.width == 176 && frame.height == 144)
      let layout = PlaneLayout(format: .yuv420p, width: 176, height: 144)
      if let pixels = FramePixels.packed(frame, layout: layout) {
        #expect(reference.contains(pixels), "frame \(frame.sequence) is not one the encoder made")
      }
      timestamps.append(frame.timestampNanoseconds)
      // A deliberately slow consumer: three frame periods per frame.
      usleep(3 * framePeriodMicroseconds)
    }
    #expect(timestamps.count == 12)
    #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 }, "timestamps \(timestamps)")
    // Skipping frames shows in the timestamps too: about 3 periods apart, not 1.
    if let first = timestamps.first, let last = timestamps.last, timestamps.count > 1 {
      let meanGap = Double(last - first) / Double(timestamps.count - 1)
      #expect(meanGap > 1.5 * 40e6, "mean gap \(meanGap / 1e6) ms between delivered frames")
    }
    let statistics = source.statistics
    #expect(statistics.delivered == Int64(timestamps.count))
    #expect(statistics.skippedAsStale > 0, "\(statistics)")
    #expect(statistics.decodeErrors == 0)

    let start = monotonicSeconds()
    source.close()
    let closing = monotonicSeconds() - start
    #expect(closing < 2, "close took \(closing) s")
    // FrameSource's contract: after close, nextFrame fails (even if a frame was waiting).
    do {
      let frame = try source.nextFrame()
      Issue.record("after close, nextFrame returned \(frame == nil ? "nil" : "a frame") instead of failing")
    } catch {
      #expect(error.kind == .closed)
    }
  }

  /// A minimal RTSP server on GStreamer's gst-rtsp-server (Debian: gir1.2-gst-rtsp-server-1.0),
  /// serving one file at /clip. Matroska, not raw .264: GStreamer's h264parse gives raw Annex-B no
  /// timestamps, so every RTP packet of a raw file would carry the same time.
  static let rtspServerScript = """
    import sys
    import gi
    gi.require_version('Gst', '1.0')
    gi.require_version('GstRtspServer', '1.0')
    from gi.repository import Gst, GstRtspServer, GLib
    Gst.init(None)
    port, path = sys.argv[1], sys.argv[2]
    for element in ('filesrc', 'matroskademux', 'h264parse', 'rtph264pay'):
        if Gst.ElementFactory.find(element) is None:
            sys.exit('GStreamer element %s is missing' % element)
    server = GstRtspServer.RTSPServer()
    server.set_address('127.0.0.1')
    server.set_service(port)
    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch('( filesrc location="%s" ! matroskademux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )' % path)
    factory.set_shared(True)
    server.get_mount_points().add_factory('/clip', factory)
    if server.attach(None) == 0:
        sys.exit('cannot listen on port %s' % port)
    GLib.MainLoop().run()
    """

  static let rtspPackages =
    "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-good gstreamer1.0-plugins-bad"

  /// Debian's python3 with GObject introspection for GStreamer's RTSP server, or a loud failure
  /// naming the packages to install.
  static func requireRTSPServer() throws -> String {
    let python = "/usr/bin/python3"
    let check =
      "import gi; gi.require_version('Gst', '1.0'); gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer"
    do {
      try MediaTools.run(python, ["-c", check], timeoutSeconds: 30)
    } catch {
      throw MediaTools.Failure(
        description:
          "the RTSP test needs GStreamer's RTSP server for Debian's python3: `apt-get install \(rtspPackages)` (\(error))"
      )
    }
    return python
  }

  @Test("RTSP from GStreamer's RTSP server decodes frames bit-exactly")
  func rtsp() throws {
    let python = try Self.requireRTSPServer()
    let directory = try TemporaryDirectory()
    let clip = directory.file("clip.mkv")
    try MediaTools.encode(pattern: "testsrc2=size=176x144:rate=25", frames: 100, to: clip, Self.zeroLatency)
    let reference = try Self.referenceSet(clip, width: 176, height: 144, in: directory)
    let script = directory.file("rtsp_server.py")
    try MediaTools.writeBytes(Array(Self.rtspServerScript.utf8), to: script)

    let port = try freeLocalPort()
    let log = directory.file("server.log")
    let server = try MediaTools.start(python, [script, String(port), clip], log: log)
    defer { MediaTools.stop(server) }
    try waitUntilListening(port: port, process: server, log: log)

    var options = MediaSourceOptions()
    options.networkTimeoutSeconds = 5
    let url = "rtsp://127.0.0.1:\(port)/clip"
    let source = try FrameSources.open(url, media: options)
    defer { source.close() }
    #expect(source is LatestFrameSource)

    var timestamps: [Int64] = []
    var matched = 0
    let layout = PlaneLayout(format: .yuv420p, width: 176, height: 144)
    for _ in 0..<15 {
      guard let frame = try source.nextFrame() else { break }
      #expect(frame.format == .yuv420p && frame.width == 176 && frame.height == 144)
      if let pixels = FramePixels.packed(frame, layout: layout) {
        if reference.contains(pixels) { matched += 1 }
      }
      timestamps.append(frame.timestampNanoseconds)
    }
    #expect(timestamps.count == 15, "frames received over RTSP")
    #expect(matched == timestamps.count, "\(matched) of \(timestamps.count) frames equal ffmpeg's decode")
    #expect(zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 < $1 }, "timestamps \(timestamps)")
    let start = monotonicSeconds()
    source.close()
    #expect(monotonicSeconds() - start < 2)
  }

  @Test("a port with nothing listening fails at once with a clear error", arguments: ["tcp", "rtsp"])
  func refused(_ scheme: String) throws {
    let port = try freeLocalPort()
    let url = scheme == "tcp" ? "tcp://127.0.0.1:\(port)" : "rtsp://127.0.0.1:\(port)/clip"
    var options = MediaSourceOptions()
    options.networkTimeoutSeconds = 5
    let start = monotonicSeconds()
    let error = #expect(throws: CaptureError.self) { try FrameSources.open(url, media: options) }
    let elapsed = monotonicSeconds() - start
    #expect(elapsed < 2, "a refused connection took \(elapsed) s")
    if let error {
      #expect(error.source == url)
      #expect(error.description.hasPrefix(url))
      #expect(error.reason.lowercased().contains("refused"), "\(error.reason)")
      #expect(error.kind != .timedOut)
    }
  }

  @Test(
    "a server that accepts but never sends hits networkTimeoutSeconds with .timedOut",
    arguments: ["tcp", "rtsp"])
  func silentServer(_ scheme: String) throws {
    let listener = try ListeningSocket()
    let url = scheme == "tcp" ? "tcp://127.0.0.1:\(listener.port)" : "rtsp://127.0.0.1:\(listener.port)/clip"
    var options = MediaSourceOptions()
    options.networkTimeoutSeconds = 1
    let start = monotonicSeconds()
    let error = #expect(throws: CaptureError.self) { try FrameSources.open(url, media: options) }
    let elapsed = monotonicSeconds() - start
    #expect(elapsed >= 0.9, "gave up after \(elapsed) s, before the 1 s timeout")
    #expect(elapsed < 5, "a 1 s timeout took \(elapsed) s")
    if let error {
      #expect(error.kind == .timedOut, "\(error)")
      #expect(error.source == url)
    }
  }

  @Test("a stream that stalls mid-way ends in .timedOut after the frames it sent")
  func stallMidStream() throws {
    let directory = try TemporaryDirectory()
    let clip = directory.file("stall.ts")
    try MediaTools.encode(pattern: "testsrc2=size=176x144:rate=25", frames: 50, to: clip, Self.zeroLatency)
    let bytes = try MediaTools.readBytes(clip)
    // MPEG-TS packets are 188 bytes: send whole packets, about the first half of the clip.
    let half = Array(bytes.prefix((bytes.count / 2 / 188) * 188))
    let listener = try ListeningSocket()
    let served = listener.serveOnceThenStall(half)
    defer { _ = served.wait(timeout: .now() + 35) }

    var options = MediaSourceOptions()
    options.networkTimeoutSeconds = 1
    let url = "tcp://127.0.0.1:\(listener.port)"
    let source = try FrameSources.open(url, media: options)
    defer { source.close() }
    var frames = 0
    var failure: CaptureError?
    let start = monotonicSeconds()
    for _ in 0..<1_000 {
      do {
        guard try source.nextFrame() != nil else { break }
        frames += 1
      } catch {
        failure = error
        break
      }
    }
    let elapsed = monotonicSeconds() - start
    #expect(frames > 0, "frames sent before the stall arrive")
    #expect(elapsed < 5, "the stall was noticed after \(elapsed) s")
    #expect(
      failure?.kind == .timedOut, "ended with \(failure.map { "\($0)" } ?? "nil") after \(frames) frames")
    #expect(failure?.source == url)
    source.close()
  }
}
