import Foundation
import Testing

@testable import Capture

/// Real decoding: clips encoded at test time by Debian's ffmpeg, decoded by `MediaSource`, and
/// checked frame by frame against ffprobe (count, timestamps) and ffmpeg's own decode (pixels).
@Suite("MediaSource decoding")
struct MediaSourceTests {
  /// One clip to encode and check.
  struct Clip: Sendable, CustomTestStringConvertible {
    var file: String
    var pattern: String
    var frames: Int
    var arguments: [String]
    /// The layout MediaSource must deliver, and whether it is full range (JPEG).
    var format: PixelFormat
    var fullRange: Bool
    var codec: String

    var testDescription: String { file }

    /// The size in the pattern: the clip must come out at exactly this size (lavfi's testsrc2
    /// rounds odd sizes down to even ones, so odd-size clips use testsrc).
    var size: (width: Int, height: Int) {
      let spec = pattern.split(separator: "=")[2].split(separator: ":")[0].split(separator: "x")
      return (Int(spec[0])!, Int(spec[1])!)
    }

    /// ffmpeg's name for the frame's layout in its range: the reference decode asks for exactly the
    /// decoder's own format, so no conversion happens on either side.
    var referencePixelFormat: String {
      let base = format.rawValue
      return fullRange ? base.replacingOccurrences(of: "yuv", with: "yuvj") : base
    }
  }

  static let x264 = ["-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-bf", "2"]
  static let x265 = [
    "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:bframes=2:keyint=12",
  ]

  static let clips: [Clip] = [
    Clip(
      file: "h264-420.mp4", pattern: "testsrc2=size=176x144:rate=25", frames: 24,
      arguments: x264 + ["-pix_fmt", "yuv420p"], format: .yuv420p, fullRange: false, codec: "h264"),
    Clip(
      file: "h264-420-odd.mkv", pattern: "testsrc2=size=322x182:rate=30", frames: 20,
      arguments: x264 + ["-pix_fmt", "yuv420p"], format: .yuv420p, fullRange: false, codec: "h264"),
    Clip(
      file: "h264-420.ts", pattern: "testsrc=size=176x144:rate=25", frames: 20,
      arguments: x264 + ["-pix_fmt", "yuv420p"], format: .yuv420p, fullRange: false, codec: "h264"),
    Clip(
      file: "h264-annexb.h264", pattern: "testsrc2=size=250x142:rate=25", frames: 20,
      arguments: x264 + ["-pix_fmt", "yuv420p", "-f", "h264"], format: .yuv420p, fullRange: false,
      codec: "h264"),
    Clip(
      file: "h264-422.mkv", pattern: "testsrc2=size=322x182:rate=25", frames: 16,
      arguments: x264 + ["-pix_fmt", "yuv422p"], format: .yuv422p, fullRange: false, codec: "h264"),
    Clip(
      file: "h264-444-odd.mkv", pattern: "testsrc=size=321x241:rate=25", frames: 12,
      arguments: x264 + ["-pix_fmt", "yuv444p"], format: .yuv444p, fullRange: false, codec: "h264"),
    Clip(
      file: "h265-420.mp4", pattern: "testsrc2=size=250x142:rate=25", frames: 16,
      arguments: x265 + ["-pix_fmt", "yuv420p", "-tag:v", "hvc1"], format: .yuv420p, fullRange: false,
      codec: "hevc"),
    Clip(
      file: "h265-annexb.hevc", pattern: "testsrc2=size=176x144:rate=30", frames: 12,
      arguments: x265 + ["-pix_fmt", "yuv420p", "-f", "hevc"], format: .yuv420p, fullRange: false,
      codec: "hevc"),
    Clip(
      file: "h265-420.mkv", pattern: "testsrc=size=176x144:rate=25", frames: 16,
      arguments: x265 + ["-pix_fmt", "yuv420p"], format: .yuv420p, fullRange: false, codec: "hevc"),
    Clip(
      file: "mjpeg-420-odd.mkv", pattern: "testsrc=size=321x241:rate=25", frames: 12,
      arguments: ["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p"], format: .yuv420p, fullRange: true,
      codec: "mjpeg"),
    Clip(
      file: "mjpeg-422-odd.avi", pattern: "testsrc=size=321x241:rate=25", frames: 12,
      arguments: ["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj422p"], format: .yuv422p, fullRange: true,
      codec: "mjpeg"),
  ]

  /// Everything a decoded frame carried, copied out of the pooled `Frame`.
  struct DecodedFrame {
    var format: PixelFormat
    var width: Int
    var height: Int
    var fullRange: Bool
    var timestampNanoseconds: Int64
    var sequence: Int64
    var pixels: [UInt8]?
  }

  /// Decodes every frame of `path` (at most 10,000 calls), packing each frame's visible pixels.
  static func decodeAll(
    _ path: String, options: MediaSourceOptions = MediaSourceOptions(),
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> (source: MediaSource, frames: [DecodedFrame]) {
    let source = try MediaSource(path, options: options)
    var frames: [DecodedFrame] = []
    for _ in 0..<10_000 {
      guard let frame = try source.nextFrame() else { break }
      let layout = PlaneLayout(format: frame.format, width: frame.width, height: frame.height)
      frames.append(
        DecodedFrame(
          format: frame.format, width: frame.width, height: frame.height, fullRange: frame.isFullRange,
          timestampNanoseconds: frame.timestampNanoseconds, sequence: frame.sequence,
          pixels: FramePixels.packed(frame, layout: layout, sourceLocation: sourceLocation)))
    }
    // The end is sticky: asking again after the end gives nil again, not a crash or an error.
    #expect(try source.nextFrame() == nil, sourceLocation: sourceLocation)
    return (source, frames)
  }

  /// Frame count, timestamps against ffprobe (1 µs), monotonic order and sequence numbers. One
  /// issue per kind of mismatch, naming the first frame that shows it.
  static func checkTiming(
    _ frames: [DecodedFrame], probe: MediaTools.Probe, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(
      frames.count == probe.readFrames, "frame count vs ffprobe -count_frames", sourceLocation: sourceLocation
    )
    #expect(
      probe.frames.count == probe.readFrames, "ffprobe listed every frame", sourceLocation: sourceLocation)
    var wrongTime: [String] = []
    var notIncreasing: [Int] = []
    var wrongSequence: [Int] = []
    for (index, frame) in frames.enumerated() {
      if frame.sequence != Int64(index) { wrongSequence.append(index) }
      if index > 0, frame.timestampNanoseconds <= frames[index - 1].timestampNanoseconds {
        notIncreasing.append(index)
      }
      guard index < probe.frames.count else { break }
      let expected = probe.expectedNanoseconds(index)
      if expected == nil || abs(Double(frame.timestampNanoseconds) - expected!) > 1_000 {
        wrongTime.append(
          "frame \(index): \(frame.timestampNanoseconds) ns, ffprobe \(expected.map { "\(Int64($0)) ns" } ?? "none")"
        )
      }
    }
    #expect(
      wrongTime.isEmpty,
      "\(wrongTime.count) of \(frames.count) timestamps differ from ffprobe's by over 1 µs; \(wrongTime.prefix(3).joined(separator: "; "))",
      sourceLocation: sourceLocation)
    #expect(
      notIncreasing.isEmpty, "timestamps do not increase at frames \(notIncreasing)",
      sourceLocation: sourceLocation)
    #expect(
      wrongSequence.isEmpty, "sequence numbers are not 0, 1, 2... at frames \(wrongSequence)",
      sourceLocation: sourceLocation)
  }

  @Test("decodes every frame bit-exactly as ffmpeg does, with ffprobe's timestamps", arguments: clips)
  func decodesLikeFFmpeg(_ clip: Clip) throws {
    let directory = try TemporaryDirectory()
    let path = directory.file(clip.file)
    try MediaTools.encode(pattern: clip.pattern, frames: clip.frames, to: path, clip.arguments)
    let probe = try MediaTools.probe(path)
    #expect(probe.codec == clip.codec)
    #expect(
      probe.width == clip.size.width && probe.height == clip.size.height,
      "encoded \(probe.width)x\(probe.height)")
    #expect(probe.readFrames == clip.frames, "ffmpeg wrote \(probe.readFrames) of \(clip.frames) frames")

    let (source, frames) = try Self.decodeAll(path)
    #expect(source.isLive == false)
    #expect(source.info.codec == clip.codec)
    #expect(source.info.width == probe.width && source.info.height == probe.height)
    #expect(source.info.hardware == nil)
    #expect(source.statistics.decodeErrors == 0)
    #expect(source.statistics.delivered == Int64(frames.count))
    Self.checkTiming(frames, probe: probe)

    let layout = PlaneLayout(format: clip.format, width: probe.width, height: probe.height)
    let reference = try MediaTools.referenceFrames(
      path, pixelFormat: clip.referencePixelFormat, layout: layout, in: directory)
    #expect(reference.count == frames.count, "ffmpeg's raw decode has \(reference.count) frames")
    for (index, frame) in frames.enumerated() {
      #expect(frame.format == clip.format, "frame \(index) format")
      #expect(frame.fullRange == clip.fullRange, "frame \(index) range")
      #expect(frame.width == probe.width && frame.height == probe.height)
      guard index < reference.count, let pixels = frame.pixels else { continue }
      if let difference = FramePixels.firstDifference(pixels, reference[index], layout: layout) {
        Issue.record("frame \(index) differs from ffmpeg's decode: \(difference)")
      }
    }
  }

  @Test("10-bit HEVC is converted to 8-bit 4:2:0 close to ffmpeg's own conversion")
  func tenBitHEVC() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("h265-10bit.mkv")
    try MediaTools.encode(
      pattern: "testsrc=size=250x142:rate=25", frames: 12, to: path,
      Self.x265 + ["-pix_fmt", "yuv420p10le"])
    let probe = try MediaTools.probe(path)
    #expect(probe.pixelFormat == "yuv420p10le")
    let (_, frames) = try Self.decodeAll(path)
    Self.checkTiming(frames, probe: probe)

    let layout = PlaneLayout(format: .yuv420p, width: 250, height: 142)
    let reference = try MediaTools.referenceFrames(
      path, pixelFormat: "yuv420p", layout: layout, in: directory)
    #expect(reference.count == frames.count)
    // Tolerance: every sample within 2 levels and the mean error under 0.1 level. swscale's
    // 10-to-8-bit paths may round or dither differently with other scaler flags or versions; a
    // wrong shift, plane or stride would be off by tens of levels. (Measured on Debian 12's
    // libswscale: bit-exact, worst 0.)
    var worst = 0
    var totalError = 0
    var samples = 0
    for (index, frame) in frames.enumerated() {
      #expect(frame.format == .yuv420p && !frame.fullRange)
      guard index < reference.count, let pixels = frame.pixels, pixels.count == reference[index].count else {
        Issue.record("frame \(index) has no comparable pixels")
        continue
      }
      for (a, b) in zip(pixels, reference[index]) {
        let error = abs(Int(a) - Int(b))
        worst = max(worst, error)
        totalError += error
      }
      samples += pixels.count
    }
    let meanError = Double(totalError) / Double(max(samples, 1))
    #expect(samples > 0)
    #expect(worst <= 2, "largest difference \(worst) levels")
    #expect(meanError < 0.1, "mean difference \(meanError) levels")
  }

  @Test("one decoder thread and two give identical pixels and timestamps")
  func threadsAgree() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("threads.mp4")
    try MediaTools.encode(
      pattern: "testsrc2=size=322x182:rate=25", frames: 30, to: path, Self.x264 + ["-pix_fmt", "yuv420p"])
    var runs: [[DecodedFrame]] = []
    for threads in [1, 2] {
      var options = MediaSourceOptions()
      options.threads = threads
      runs.append(try Self.decodeAll(path, options: options).frames)
    }
    #expect(runs[0].count == 30)
    #expect(runs[0].count == runs[1].count)
    for (one, two) in zip(runs[0], runs[1]) {
      #expect(one.timestampNanoseconds == two.timestampNanoseconds)
      #expect(
        one.pixels != nil && one.pixels == two.pixels, "frame \(one.sequence) differs between 1 and 2 threads"
      )
    }
  }

  @Test("required hardware that is absent fails clearly; auto falls back to software")
  func hardwareSelection() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("hw.mp4")
    try MediaTools.encode(
      pattern: "testsrc2=size=176x144:rate=25", frames: 10, to: path, Self.x264 + ["-pix_fmt", "yuv420p"])
    // This machine (and CI) has no GPU and no /dev/dri.
    #expect(!FileManager.default.fileExists(atPath: "/dev/dri"), "this test expects a machine without a GPU")

    var required = MediaSourceOptions()
    required.hardware = .required("vaapi")
    let start = monotonicSeconds()
    let error = #expect(throws: CaptureError.self) { try MediaSource(path, options: required) }
    #expect(monotonicSeconds() - start < 10)
    if let error {
      #expect(error.source == path)
      #expect(error.kind == .unsupportedFormat)
      #expect(error.reason.contains("vaapi"), "reason names the hardware: \(error.reason)")
      #expect(error.description.contains(path))
    }

    var auto = MediaSourceOptions()
    auto.hardware = .auto
    let (source, frames) = try Self.decodeAll(path, options: auto)
    #expect(source.info.hardware == nil)
    #expect(source.info.decoder == "h264")
    #expect(frames.count == 10)
  }

  @Test("FrameSources.open gives a file its MediaSource (not live); after close nextFrame fails")
  func frameSourcesOpensFiles() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("plain.mkv")
    try MediaTools.encode(
      pattern: "testsrc=size=160x120:rate=25", frames: 5, to: path, Self.x264 + ["-pix_fmt", "yuv420p"])
    let source = try FrameSources.open(path)
    defer { source.close() }
    #expect(source is MediaSource)
    #expect(!source.isLive)
    var count = 0
    while count < 100, try source.nextFrame() != nil { count += 1 }
    #expect(count == 5)
    source.close()
    // FrameSource's contract: after close, nextFrame fails.
    do {
      let frame = try source.nextFrame()
      Issue.record("after close, nextFrame returned \(frame == nil ? "nil" : "a frame") instead of failing")
    } catch {
      #expect(error.kind == .closed)
    }
  }
}
