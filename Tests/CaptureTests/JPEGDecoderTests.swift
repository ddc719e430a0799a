import Foundation
import Testing

@testable import Capture

/// The MJPEG decoder USB cameras use, on real JPEGs from ffmpeg's encoder, checked bit-exactly
/// against ffmpeg's own decode; and on corrupt JPEGs, which must give a `CaptureError`.
@Suite("JPEGDecoder")
struct JPEGDecoderTests {
  struct Picture: Sendable, CustomTestStringConvertible {
    var pixelFormat: String
    var width: Int
    var height: Int
    var format: PixelFormat
    var testDescription: String { "\(pixelFormat) \(width)x\(height)" }
  }

  static let pictures = [
    Picture(pixelFormat: "yuvj420p", width: 320, height: 240, format: .yuv420p),
    Picture(pixelFormat: "yuvj420p", width: 321, height: 241, format: .yuv420p),
    Picture(pixelFormat: "yuvj422p", width: 321, height: 241, format: .yuv422p),
    Picture(pixelFormat: "yuvj444p", width: 97, height: 61, format: .yuv444p),
  ]

  /// Encodes frame `index` of a test pattern as one JPEG file and returns its bytes.
  static func makeJPEG(
    _ picture: Picture, index: Int = 0, in directory: TemporaryDirectory, name: String = "picture.jpg"
  ) throws -> (path: String, bytes: [UInt8]) {
    let path = directory.file(name)
    try MediaTools.ffmpeg([
      "-f", "lavfi", "-i", "testsrc=size=\(picture.width)x\(picture.height):rate=25",
      "-vf", "select=eq(n\\,\(index))", "-frames:v", "1", "-c:v", "mjpeg", "-q:v", "2",
      "-pix_fmt", picture.pixelFormat, "-f", "image2", path,
    ])
    return (path, try MediaTools.readBytes(path))
  }

  static func decode(_ bytes: [UInt8], with decoder: JPEGDecoder, into frame: Frame) throws(CaptureError) -> (
    format: PixelFormat, width: Int, height: Int, isFullRange: Bool
  ) {
    do {
      return try bytes.withUnsafeBytes { try decoder.decode($0, into: frame) }
    } catch let error as CaptureError {
      throw error
    } catch {
      preconditionFailure("decode throws only CaptureError")
    }
  }

  @Test("decodes ffmpeg's JPEGs bit-exactly as ffmpeg does", arguments: pictures)
  func decodesLikeFFmpeg(_ picture: Picture) throws {
    let directory = try TemporaryDirectory()
    let (path, bytes) = try Self.makeJPEG(picture, in: directory)
    let layout = PlaneLayout(format: picture.format, width: picture.width, height: picture.height)
    let reference = try MediaTools.referenceFrames(
      path, pixelFormat: picture.pixelFormat, layout: layout, in: directory)
    #expect(reference.count == 1)
    let probe = try MediaTools.probe(path)
    #expect(
      probe.width == picture.width && probe.height == picture.height
        && probe.pixelFormat == picture.pixelFormat)

    let decoder = try JPEGDecoder(width: picture.width, height: picture.height, source: "/dev/video9")
    let frame = Frame()
    let result = try Self.decode(bytes, with: decoder, into: frame)
    #expect(result.format == picture.format)
    #expect(result.width == picture.width && result.height == picture.height)
    #expect(result.isFullRange)
    #expect(frame.format == picture.format && frame.isFullRange)
    #expect(frame.width == picture.width && frame.height == picture.height)
    let pixels = FramePixels.packed(frame, layout: layout)
    if let pixels, let expected = reference.first,
      let difference = FramePixels.firstDifference(pixels, expected, layout: layout)
    {
      Issue.record("differs from ffmpeg's decode: \(difference)")
    }
    #expect(pixels != nil)
  }

  @Test("one decoder decodes a sequence, and a corrupt frame in it does not spoil the next")
  func sequenceWithCorruptFrame() throws {
    let directory = try TemporaryDirectory()
    let picture = Picture(pixelFormat: "yuvj422p", width: 160, height: 120, format: .yuv422p)
    let layout = PlaneLayout(format: .yuv422p, width: 160, height: 120)
    var jpegs: [[UInt8]] = []
    var references: [[UInt8]] = []
    for index in [0, 10, 20] {
      let (path, bytes) = try Self.makeJPEG(picture, index: index, in: directory, name: "frame\(index).jpg")
      jpegs.append(bytes)
      references.append(
        try MediaTools.referenceFrames(path, pixelFormat: "yuvj422p", layout: layout, in: directory)[0])
    }
    #expect(Set(references).count == 3, "the three pictures differ")

    let decoder = try JPEGDecoder(width: 160, height: 120, source: "/dev/video9")
    let frame = Frame()
    var garbage = SeededBytes(seed: 7)
    let corrupt = (0..<2_000).map { _ in garbage.next() }
    for (index, jpeg) in jpegs.enumerated() {
      _ = try Self.decode(jpeg, with: decoder, into: frame)
      #expect(FramePixels.packed(frame, layout: layout) == references[index], "picture \(index)")
      // A garbage buffer between good frames: an error, and the next good frame still decodes.
      #expect(throws: CaptureError.self) { _ = try Self.decode(corrupt, with: decoder, into: frame) }
    }
  }

  /// Ways a camera's JPEG can arrive damaged.
  enum Damage: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case empty
    case randomBytes
    case headersOnly
    case truncatedHalf
    case noImageData
    case zeroSize
    var testDescription: String { rawValue }
  }

  static func damage(_ jpeg: [UInt8], _ kind: Damage) -> [UInt8] {
    switch kind {
    case .empty:
      return []
    case .randomBytes:
      var generator = SeededBytes(seed: 99)
      return (0..<jpeg.count).map { _ in generator.next() }
    case .headersOnly:
      // Up to and including the start-of-scan header, no entropy-coded data.
      guard let sos = markerOffset(jpeg, 0xDA) else { return [] }
      let length = Int(jpeg[sos + 2]) << 8 | Int(jpeg[sos + 3])
      return Array(jpeg.prefix(sos + 2 + length))
    case .truncatedHalf:
      return Array(jpeg.prefix(jpeg.count / 2))
    case .noImageData:
      // Start of image, then end of image.
      return [0xFF, 0xD8, 0xFF, 0xD9]
    case .zeroSize:
      // The frame header claims a 0x0 picture.
      var bytes = jpeg
      guard let sof = markerOffset(jpeg, 0xC0) else { return [] }
      for offset in (sof + 5)...(sof + 8) { bytes[offset] = 0 }
      return bytes
    }
  }

  /// Offset of the first 0xFF `marker` in the headers of a JPEG.
  static func markerOffset(_ jpeg: [UInt8], _ marker: UInt8) -> Int? {
    var offset = 2
    while offset + 3 < jpeg.count, jpeg[offset] == 0xFF {
      if jpeg[offset + 1] == marker { return offset }
      offset += 2 + (Int(jpeg[offset + 2]) << 8 | Int(jpeg[offset + 3]))
    }
    return nil
  }

  @Test("a damaged JPEG gives a CaptureError naming the camera", arguments: Damage.allCases)
  func damaged(_ kind: Damage) throws {
    let directory = try TemporaryDirectory()
    let picture = Picture(pixelFormat: "yuvj420p", width: 320, height: 240, format: .yuv420p)
    let (_, jpeg) = try Self.makeJPEG(picture, in: directory)
    #expect(
      Self.markerOffset(jpeg, 0xDA) != nil && Self.markerOffset(jpeg, 0xC0) != nil,
      "ffmpeg wrote a baseline JPEG")
    let decoder = try JPEGDecoder(width: 320, height: 240, source: "/dev/video9")
    let frame = Frame()
    let bytes = Self.damage(jpeg, kind)
    let error = #expect(throws: CaptureError.self) { _ = try Self.decode(bytes, with: decoder, into: frame) }
    if let error {
      #expect(error.source == "/dev/video9")
      #expect(error.kind == .invalidMedia, "\(error)")
      #expect(!error.reason.isEmpty)
    }
    // The decoder still works afterwards.
    _ = try Self.decode(jpeg, with: decoder, into: frame)
    #expect(frame.width == 320 && frame.height == 240)
  }
}

/// Deterministic pseudo-random bytes (SplitMix64), for reproducible garbage.
struct SeededBytes {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt8 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return UInt8(truncatingIfNeeded: z ^ (z >> 31))
  }
}
