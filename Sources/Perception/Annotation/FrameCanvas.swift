import Capture

/// Draws filled rectangles, outlines and bitmap-font text straight into a frame's pixels, in
/// any uncompressed layout Capture has (planar, semi-planar and packed YUV, RGB, BGR, grey).
/// Everything is clipped to the frame. The frame must own writable pixels (a `FrameCopy`):
/// a decoder's frame is its reference picture and must not be drawn on.
public struct FrameCanvas {
  public let frame: Frame

  public init(frame: Frame) { self.frame = frame }

  /// Fills the pixels `x0..<x1` × `y0..<y1` with `color`.
  public func fill(x0: Int, y0: Int, x1: Int, y1: Int, color: RGBColor) {
    let left = max(0, x0)
    let top = max(0, y0)
    let right = min(frame.width, x1)
    let bottom = min(frame.height, y1)
    guard left < right, top < bottom, !frame.format.isCompressed else { return }
    let (y, u, v) = color.limitedRangeYUV
    switch frame.format {
    case .gray8:
      fillPlane(0, left, top, right, bottom, value: y)
    case .yuv420p, .yuv422p, .yuv444p:
      let (sx, sy) = frame.format == .yuv420p ? (2, 2) : frame.format == .yuv422p ? (2, 1) : (1, 1)
      fillPlane(0, left, top, right, bottom, value: y)
      let chroma = (left / sx, top / sy, (right + sx - 1) / sx, (bottom + sy - 1) / sy)
      fillPlane(1, chroma.0, chroma.1, chroma.2, chroma.3, value: u)
      fillPlane(2, chroma.0, chroma.1, chroma.2, chroma.3, value: v)
    case .nv12:
      fillPlane(0, left, top, right, bottom, value: y)
      let plane = frame.plane(1)
      for row in top / 2..<min(plane.rows, (bottom + 1) / 2) {
        let base = UnsafeMutableRawPointer(mutating: plane.row(row)).assumingMemoryBound(to: UInt8.self)
        for column in left / 2..<(right + 1) / 2 {
          base[2 * column] = u
          base[2 * column + 1] = v
        }
      }
    case .yuyv, .uyvy:
      // Packed pairs: Y0 U Y1 V (YUYV) or U Y0 V Y1 (UYVY); a pair's chroma is shared.
      let lumaOffset = frame.format == .yuyv ? 0 : 1
      let chromaOffset = frame.format == .yuyv ? 1 : 0
      let plane = frame.plane(0)
      for row in top..<bottom {
        let base = UnsafeMutableRawPointer(mutating: plane.row(row)).assumingMemoryBound(to: UInt8.self)
        for column in left..<right { base[2 * column + lumaOffset] = y }
        for pair in left / 2..<(right + 1) / 2 {
          base[4 * pair + chromaOffset] = u
          base[4 * pair + chromaOffset + 2] = v
        }
      }
    case .rgb24, .bgr24:
      let (first, last) = frame.format == .rgb24 ? (color.red, color.blue) : (color.blue, color.red)
      let plane = frame.plane(0)
      for row in top..<bottom {
        let base = UnsafeMutableRawPointer(mutating: plane.row(row)).assumingMemoryBound(to: UInt8.self)
        for column in left..<right {
          base[3 * column] = first
          base[3 * column + 1] = color.green
          base[3 * column + 2] = last
        }
      }
    case .mjpeg:
      break
    }
  }

  /// Draws the outline of `box` (frame pixels), `thickness` pixels wide, inside its edges.
  public func stroke(_ box: BoundingBox, thickness: Int, color: RGBColor) {
    guard box.isFinite else { return }
    let clipped = box.clipped(width: Double(frame.width), height: Double(frame.height))
    let x0 = Int(clipped.minX.rounded(.down))
    let y0 = Int(clipped.minY.rounded(.down))
    let x1 = Int(clipped.maxX.rounded(.up))
    let y1 = Int(clipped.maxY.rounded(.up))
    let t = max(1, thickness)
    fill(x0: x0, y0: y0, x1: x1, y1: min(y1, y0 + t), color: color)
    fill(x0: x0, y0: max(y0, y1 - t), x1: x1, y1: y1, color: color)
    fill(x0: x0, y0: y0, x1: min(x1, x0 + t), y1: y1, color: color)
    fill(x0: max(x0, x1 - t), y0: y0, x1: x1, y1: y1, color: color)
  }

  /// Draws `text` with its top-left corner at (`x`, `y`), each font pixel `scale` frame pixels.
  public func text(_ text: String, x: Int, y: Int, scale: Int, color: RGBColor) {
    let s = max(1, scale)
    var left = x
    for character in text {
      let rows = BitmapFont.glyph(character)
      for (row, bits) in rows.enumerated() {
        for column in 0..<BitmapFont.glyphWidth where bits & (0x10 >> UInt8(column)) != 0 {
          let px = left + column * s
          let py = y + row * s
          fill(x0: px, y0: py, x1: px + s, y1: py + s, color: color)
        }
      }
      left += BitmapFont.advance * s
      if left >= frame.width { break }
    }
  }

  private func fillPlane(_ index: Int, _ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, value: UInt8) {
    let plane = frame.plane(index)
    guard x1 > x0 else { return }
    for row in y0..<min(y1, plane.rows) {
      (UnsafeMutableRawPointer(mutating: plane.row(row)) + x0).initializeMemory(
        as: UInt8.self, repeating: value, count: x1 - x0)
    }
  }
}
