import Testing

@testable import Capture

@Suite struct FrameDigestTests {
  /// A YUYV frame whose row padding differs must digest the same: only visible bytes count.
  @Test func paddingDoesNotChangeTheHash() {
    let width = 5, height = 3
    let visible = 4 * ((width + 1) / 2)
    var tight = [UInt8](repeating: 0, count: visible * height)
    var padded = [UInt8](repeating: 0xee, count: (visible + 7) * height)
    for y in 0..<height {
      for x in 0..<visible {
        tight[y * visible + x] = UInt8(y * 31 + x)
        padded[y * (visible + 7) + x] = UInt8(y * 31 + x)
      }
    }
    let digests = tight.withUnsafeBytes { a in
      padded.withUnsafeBytes { b in
        (
          FrameDigest(
            Frame(
              format: .yuyv, width: width, height: height,
              planes: [FramePlane(base: a.baseAddress!, bytesPerRow: visible, rows: height)])),
          FrameDigest(
            Frame(
              format: .yuyv, width: width, height: height,
              planes: [FramePlane(base: b.baseAddress!, bytesPerRow: visible + 7, rows: height)]))
        )
      }
    }
    #expect(digests.0 == digests.1)
  }

  @Test func meanLumaReadsOnlyLumaSamples() {
    // YUYV: Y=100 at even bytes, chroma 250 at odd bytes; the mean must be 100.
    let bytes: [UInt8] = [100, 250, 100, 250, 100, 250, 100, 250]
    let digest = bytes.withUnsafeBytes {
      FrameDigest(
        Frame(
          format: .yuyv, width: 4, height: 1,
          planes: [FramePlane(base: $0.baseAddress!, bytesPerRow: 8, rows: 1)]))
    }
    #expect(digest.meanLuma == 100)
  }

  @Test func differentContentHashesDifferently() {
    let a: [UInt8] = [1, 2, 3, 4]
    let b: [UInt8] = [1, 2, 3, 5]
    func digest(_ bytes: [UInt8]) -> FrameDigest {
      bytes.withUnsafeBytes {
        FrameDigest(
          Frame(
            format: .gray8, width: 2, height: 2,
            planes: [FramePlane(base: $0.baseAddress!, bytesPerRow: 2, rows: 2)]))
      }
    }
    #expect(digest(a).hash != digest(b).hash)
    #expect(digest(a).meanLuma == 2.5)
  }

  @Test func frameCopyKeepsPixelsAndMetadataPastTheSource() {
    var source: [UInt8] = Array(0..<48)
    let copy = FrameCopy()
    source.withUnsafeBytes { bytes in
      let base = bytes.baseAddress!
      // NV12 4x4 with a 6-byte stride: Y 4 rows, UV 2 rows.
      let frame = Frame(
        format: .nv12, width: 4, height: 4,
        planes: [
          FramePlane(base: base, bytesPerRow: 6, rows: 4),
          FramePlane(base: base + 24, bytesPerRow: 6, rows: 2),
        ],
        timestampNanoseconds: 42, sequence: 7)
      copy.copy(from: frame)
      #expect(FrameDigest(copy.frame) == FrameDigest(frame))
    }
    let expected = FrameDigest(copy.frame)
    for index in source.indices { source[index] = 0 }
    #expect(FrameDigest(copy.frame) == expected)
    #expect(copy.frame.timestampNanoseconds == 42 && copy.frame.sequence == 7 && copy.frame.format == .nv12)
  }
}
