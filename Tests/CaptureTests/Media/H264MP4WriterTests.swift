import Foundation
import Testing

@testable import Capture

/// Real encoding: synthetic RGB pictures through libx264 and libavformat's MP4 muxer, read back
/// with `MediaSource` (libavcodec's decoder) and checked with ffprobe.
@Suite("H.264 encoding into MP4")
struct H264MP4WriterTests {
  static let width = 160
  static let height = 96
  static let rate = 25

  /// A smooth moving picture (gradients and a soft disc) that 4:2:0 keeps well, so what is lost
  /// is the encoder's doing, not chroma subsampling of hard colour edges.
  static func picture(_ index: Int) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: width * height * 3)
    let centreX = Double(20 + 4 * index)
    for y in 0..<height {
      for x in 0..<width {
        let distance = ((Double(x) - centreX) * (Double(x) - centreX) + Double((y - 48) * (y - 48)))
          .squareRoot()
        let disc = max(0, 1 - distance / 30)
        let offset = (y * width + x) * 3
        bytes[offset] = UInt8(clamping: Int(40 + 150 * Double(x) / Double(width) + 60 * disc))
        bytes[offset + 1] = UInt8(clamping: Int(60 + 120 * Double(y) / Double(height)))
        bytes[offset + 2] = UInt8(clamping: Int(200 - 100 * disc - Double(index)))
      }
    }
    return bytes
  }

  /// The decoded YUV 4:2:0 frame as RGB (BT.601 limited range, the encoder's colour space).
  static func rgb(of frame: Frame) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: frame.width * frame.height * 3)
    let (luma, cb, cr) = (frame.plane(0), frame.plane(1), frame.plane(2))
    for y in 0..<frame.height {
      for x in 0..<frame.width {
        let l = 1.164 * (Double(luma.row(y).load(fromByteOffset: x, as: UInt8.self)) - 16)
        let u = Double(cb.row(y / 2).load(fromByteOffset: x / 2, as: UInt8.self)) - 128
        let v = Double(cr.row(y / 2).load(fromByteOffset: x / 2, as: UInt8.self)) - 128
        let offset = (y * frame.width + x) * 3
        bytes[offset] = UInt8(clamping: Int((l + 1.596 * v).rounded()))
        bytes[offset + 1] = UInt8(clamping: Int((l - 0.392 * u - 0.813 * v).rounded()))
        bytes[offset + 2] = UInt8(clamping: Int((l + 2.017 * u).rounded()))
      }
    }
    return bytes
  }

  static func psnr(_ a: [UInt8], _ b: [UInt8]) -> Double {
    var sum = 0.0
    for (x, y) in zip(a, b) { sum += (Double(x) - Double(y)) * (Double(x) - Double(y)) }
    let mse = sum / Double(a.count)
    return mse == 0 ? 99 : 10 * log10(255 * 255 / mse)
  }

  /// 30 frames at CRF 18: decoded back, every frame is within 35 dB PSNR of its input (x264 at
  /// CRF 18 gives 43-46 dB on this picture; a colour-space or frame-order mistake gives
  /// under 25), with the count, size and timestamps intact; ffprobe agrees on codec, count and
  /// duration; the partial file is gone and the keyframes fall every `keyframeInterval` frames.
  @Test func encodesFramesThatDecodeBackClose() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("synthetic.mp4")
    var settings = H264EncoderSettings(width: Self.width, height: Self.height, framesPerSecond: Self.rate)
    settings.rateControl = .constantRateFactor(18)
    settings.keyframeInterval = 10
    let count = 30
    let writer = try H264MP4Writer(path: path, settings: settings)
    let pictures = (0..<count).map(Self.picture)
    for picture in pictures { try writer.append(rgb: picture) }
    #expect(FileManager.default.fileExists(atPath: path + ".partial"))
    #expect(!FileManager.default.fileExists(atPath: path))
    try writer.finish()
    #expect(writer.frameCount == count)
    #expect(writer.writer.packetCount == count)
    #expect(!FileManager.default.fileExists(atPath: path + ".partial"))

    let source = try MediaSource(path)
    #expect(source.info.codec == "h264")
    var index = 0
    while let frame = try source.nextFrame() {
      #expect(frame.width == Self.width && frame.height == Self.height)
      #expect(frame.format == .yuv420p)
      #expect(frame.timestampNanoseconds == Int64(index) * 40_000_000)
      if index < count {
        let quality = Self.psnr(Self.rgb(of: frame), pictures[index])
        #expect(quality > 35, "frame \(index): PSNR \(quality) dB")
      }
      index += 1
    }
    #expect(index == count)

    let probe = try MediaTools.probe(path)
    #expect(probe.codec == "h264")
    #expect(probe.readFrames == count)
    #expect(probe.width == Self.width && probe.height == Self.height)
    let duration = try Self.probedDuration(path)
    #expect(abs(duration - Double(count) / Double(Self.rate)) < 0.001, "ffprobe duration \(duration) s")
    let keyframes = try Self.probedKeyframes(path)
    #expect(keyframes == [0, 10, 20])
  }

  /// With `zeroLatency` each frame's packet comes out of `encode` at once, in order.
  @Test func zeroLatencyEmitsOnePacketPerFrame() throws {
    var settings = H264EncoderSettings(width: 64, height: 48, framesPerSecond: 30)
    settings.zeroLatency = true
    settings.rateControl = .bitrate(200_000)
    settings.preset = "ultrafast"
    let encoder = try H264Encoder(settings: settings)
    let rgb = [UInt8](repeating: 90, count: 64 * 48 * 3)
    for index in 0..<5 {
      let packets = try rgb.withUnsafeBytes { try encoder.encode(rgb: $0, width: 64, height: 48) }
      #expect(packets.count == 1)
      // Times go through the encoder's 90 kHz clock: within one tick (11.1 µs) of the nominal time.
      let nominal = Int64(index) * 1_000_000_000 / 30
      #expect(abs((packets.first?.presentationNanoseconds ?? -1) - nominal) <= 11_112)
      #expect(packets.first?.isKeyframe == (index == 0))
    }
    #expect(try encoder.finish().isEmpty)
    #expect(encoder.parameters.isH264)
    #expect(!encoder.parameters.extradata.isEmpty)
  }

  /// A frame of another size is scaled to the encoder's; a wrong-sized buffer is refused.
  @Test func scalesFramesAndRefusesShortBuffers() throws {
    let directory = try TemporaryDirectory()
    let path = directory.file("scaled.mp4")
    let writer = try H264MP4Writer(
      path: path, settings: H264EncoderSettings(width: 64, height: 48, framesPerSecond: 10))
    try writer.append(rgb: [UInt8](repeating: 120, count: 128 * 96 * 3), width: 128, height: 96)
    #expect(throws: CaptureError.self) { try writer.append(rgb: [UInt8](repeating: 0, count: 10)) }
    try writer.finish()
    let source = try MediaSource(path)
    let frame = try #require(try source.nextFrame())
    #expect(frame.width == 64 && frame.height == 48)
  }

  /// Settings libx264 cannot use fail with the reason; a dropped writer leaves no file at all.
  @Test func refusesBadSettingsAndCleansUp() throws {
    #expect(throws: CaptureError.self) {
      try H264Encoder(settings: H264EncoderSettings(width: 63, height: 48, framesPerSecond: 30))
    }
    var settings = H264EncoderSettings(width: 64, height: 48, framesPerSecond: 30)
    settings.preset = "warp"
    do {
      _ = try H264Encoder(settings: settings)
      Issue.record("an unknown preset was accepted")
    } catch {
      #expect(error.reason.contains("preset"))
    }
    let directory = try TemporaryDirectory()
    let path = directory.file("dropped.mp4")
    do {
      let writer = try H264MP4Writer(
        path: path, settings: H264EncoderSettings(width: 64, height: 48, framesPerSecond: 30))
      try writer.append(rgb: [UInt8](repeating: 0, count: 64 * 48 * 3))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
  }

  static func probedDuration(_ path: String) throws -> Double {
    let output = try MediaTools.run(
      "ffprobe",
      ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=duration", "-of", "csv=p=0", path])
    let text = String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    guard let seconds = Double(text) else {
      throw MediaTools.Failure(description: "ffprobe duration \(text)")
    }
    return seconds
  }

  /// Indexes (in decode order) of the packets ffprobe marks as keyframes.
  static func probedKeyframes(_ path: String) throws -> [Int] {
    let output = try MediaTools.run(
      "ffprobe",
      ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=flags", "-of", "csv=p=0", path])
    let lines = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n")
    return lines.enumerated().filter { $0.element.hasPrefix("K") }.map(\.offset)
  }
}
