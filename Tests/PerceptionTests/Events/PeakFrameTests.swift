import Capture
import Testing

@testable import Perception

@Suite struct PeakFrameTests {
  @Test func peakFrameIsCopiedWithTheBoxDrawn() throws {
    let image = GrayImage(value: 40)
    let copy = PeakFrame()
    try copy.copy(from: image.frame)
    copy.draw(BoundingBox(minX: 10, minY: 8, maxX: 30, maxY: 20), thickness: 2)
    // The source is untouched; the copy has the outline and an unchanged inside and outside.
    #expect(image.pixels.load(fromByteOffset: 8 * 64 + 10, as: UInt8.self) == 40)
    let plane = try #require(copy.frame).plane(0)
    func pixel(_ x: Int, _ y: Int) -> UInt8 { plane.row(y).load(fromByteOffset: x, as: UInt8.self) }
    #expect(pixel(10, 8) == 255 && pixel(30, 20) == 255 && pixel(20, 9) == 255 && pixel(29, 14) == 255)
    #expect(pixel(20, 14) == 40 && pixel(5, 5) == 40 && pixel(31, 21) == 40)
  }

  @Test func rgbFramesGetARedOutline() throws {
    let pixels = UnsafeMutableRawPointer.allocate(byteCount: 16 * 3 * 8, alignment: 64)
    defer { pixels.deallocate() }
    pixels.initializeMemory(as: UInt8.self, repeating: 7, count: 16 * 3 * 8)
    let frame = Frame(
      format: .rgb24, width: 16, height: 8, planes: [FramePlane(base: pixels, bytesPerRow: 48, rows: 8)])
    let copy = PeakFrame()
    try copy.copy(from: frame)
    copy.draw(BoundingBox(minX: 2, minY: 2, maxX: 10, maxY: 6), thickness: 1)
    let plane = try #require(copy.frame).plane(0)
    func rgb(_ x: Int, _ y: Int) -> [UInt8] {
      (0..<3).map { plane.row(y).load(fromByteOffset: 3 * x + $0, as: UInt8.self) }
    }
    #expect(rgb(2, 2) == [255, 0, 0] && rgb(10, 6) == [255, 0, 0] && rgb(6, 2) == [255, 0, 0])
    #expect(rgb(6, 4) == [7, 7, 7] && rgb(11, 6) == [7, 7, 7])
  }

  @Test func compressedFramesCannotBeSnapshotted() throws {
    let bytes = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 64)
    defer { bytes.deallocate() }
    let frame = Frame(
      format: .mjpeg, width: 4, height: 4, planes: [FramePlane(base: bytes, bytesPerRow: 16, rows: 1)])
    #expect(throws: PerceptionError.self) { try PeakFrame().copy(from: frame) }
  }
}
