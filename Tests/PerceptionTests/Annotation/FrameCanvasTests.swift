import Capture
import Testing

@testable import Perception

/// Drawing into every frame layout lands on exactly the pixels asked for, in the right colour.
@Suite struct FrameCanvasTests {
  /// A frame of `format` over zeroed buffers the test owns, and its planes' bytes.
  final class OwnedFrame {
    let frame: Frame
    var buffers: [UnsafeMutableRawBufferPointer]

    init(_ format: PixelFormat, width: Int, height: Int) {
      let layout: [(rowBytes: Int, rows: Int)] =
        switch format {
        case .yuv420p: [(width, height), (width / 2, height / 2), (width / 2, height / 2)]
        case .nv12: [(width, height), (width, height / 2)]
        case .yuyv, .uyvy: [(2 * width, height)]
        case .rgb24, .bgr24: [(3 * width, height)]
        default: [(width, height)]
        }
      buffers = layout.map {
        UnsafeMutableRawBufferPointer.allocate(byteCount: $0.rowBytes * $0.rows, alignment: 64)
      }
      for buffer in buffers { buffer.initializeMemory(as: UInt8.self, repeating: 0) }
      let planes = zip(buffers, layout).map {
        FramePlane(base: UnsafeRawPointer($0.0.baseAddress!), bytesPerRow: $0.1.rowBytes, rows: $0.1.rows)
      }
      frame = Frame(format: format, width: width, height: height, planes: planes)
    }

    deinit { for buffer in buffers { buffer.deallocate() } }

    func byte(plane: Int, _ offset: Int) -> UInt8 { buffers[plane][offset] }
  }

  let red = RGBColor(red: 255, green: 0, blue: 0)

  @Test func fillsPlanarYUVWithLumaAndSubsampledChroma() {
    let owned = OwnedFrame(.yuv420p, width: 16, height: 8)
    FrameCanvas(frame: owned.frame).fill(x0: 2, y0: 2, x1: 6, y1: 4, color: red)
    let (y, u, v) = red.limitedRangeYUV
    #expect(y == 81 && u == 90 && v == 240)
    for row in 0..<8 {
      for column in 0..<16 {
        let inside = (2..<6).contains(column) && (2..<4).contains(row)
        #expect(owned.byte(plane: 0, row * 16 + column) == (inside ? y : 0), "\(column),\(row)")
      }
    }
    #expect(owned.byte(plane: 1, 1 * 8 + 1) == u && owned.byte(plane: 2, 1 * 8 + 2) == v)
    #expect(owned.byte(plane: 1, 1 * 8 + 3) == 0 && owned.byte(plane: 2, 0) == 0)
  }

  @Test func fillsSemiPlanarAndPackedLayouts() {
    let (y, u, v) = red.limitedRangeYUV
    let nv12 = OwnedFrame(.nv12, width: 8, height: 4)
    FrameCanvas(frame: nv12.frame).fill(x0: 2, y0: 0, x1: 4, y1: 2, color: red)
    #expect(nv12.byte(plane: 0, 2) == y && nv12.byte(plane: 0, 4) == 0)
    #expect(nv12.byte(plane: 1, 2) == u && nv12.byte(plane: 1, 3) == v && nv12.byte(plane: 1, 4) == 0)

    let yuyv = OwnedFrame(.yuyv, width: 4, height: 2)
    FrameCanvas(frame: yuyv.frame).fill(x0: 2, y0: 1, x1: 4, y1: 2, color: red)
    #expect((0..<8).map { yuyv.byte(plane: 0, $0) } == [0, 0, 0, 0, 0, 0, 0, 0])
    #expect((8..<16).map { yuyv.byte(plane: 0, $0) } == [0, 0, 0, 0, y, u, y, v])

    let bgr = OwnedFrame(.bgr24, width: 2, height: 1)
    FrameCanvas(frame: bgr.frame).fill(x0: 1, y0: 0, x1: 9, y1: 9, color: red)
    #expect((0..<6).map { bgr.byte(plane: 0, $0) } == [0, 0, 0, 0, 0, 255])
  }

  @Test func strokeDrawsOnlyTheOutlineAndTextDrawsGlyphPixels() {
    let owned = OwnedFrame(.gray8, width: 20, height: 20)
    let canvas = FrameCanvas(frame: owned.frame)
    canvas.stroke(BoundingBox(minX: 4, minY: 4, maxX: 14, maxY: 12), thickness: 1, color: .white)
    let white = RGBColor.white.limitedRangeYUV.y
    #expect(owned.byte(plane: 0, 4 * 20 + 9) == white)  // top edge
    #expect(owned.byte(plane: 0, 11 * 20 + 13) == white)  // bottom-right corner
    #expect(owned.byte(plane: 0, 8 * 20 + 9) == 0)  // inside
    #expect(owned.byte(plane: 0, 3 * 20 + 9) == 0)  // outside

    let text = OwnedFrame(.gray8, width: 12, height: 7)
    FrameCanvas(frame: text.frame).text("1", x: 0, y: 0, scale: 1, color: .white)
    let glyph = BitmapFont.glyph("1")
    for row in 0..<7 {
      for column in 0..<5 {
        let set = glyph[row] & (0x10 >> UInt8(column)) != 0
        #expect(text.byte(plane: 0, row * 12 + column) == (set ? white : 0))
      }
    }
  }
}

extension RGBColor {
  static let white = RGBColor(gray: 255)
}
