import Capture

/// A copy of a frame held past its source's next call (the peak frame of an open event), with
/// a box drawn on it for the snapshot.
final class PeakFrame {
  private let storage = FrameCopy()
  private(set) var frame: Frame?

  /// Copies `source`'s pixels; fails for compressed frames (nothing to draw on).
  func copy(from source: Frame) throws(PerceptionError) {
    guard !source.format.isCompressed else {
      throw PerceptionError("cannot snapshot a compressed \(source.format) frame; decode it first")
    }
    storage.copy(from: source)
    frame = storage.frame
  }

  /// Draws the outline of `box` (frame pixels), `thickness` pixels wide: white in luma for YUV
  /// and grey frames, red for RGB.
  func draw(_ box: BoundingBox, thickness: Int = 3) {
    guard let frame, frame.width > 0, frame.height > 0, box.isFinite else { return }
    let clipped = box.clipped(width: Double(frame.width - 1), height: Double(frame.height - 1))
    let x0 = Int(clipped.minX)
    let y0 = Int(clipped.minY)
    let x1 = Int(clipped.maxX)
    let y1 = Int(clipped.maxY)
    let plane = frame.plane(0)
    let base = UnsafeMutableRawPointer(mutating: plane.base)
    func paint(_ x: Int, _ y: Int) {
      let row = base + y * plane.bytesPerRow
      switch frame.format {
      case .rgb24:
        (row + 3 * x).storeBytes(of: (255, 0, 0) as (UInt8, UInt8, UInt8), as: (UInt8, UInt8, UInt8).self)
      case .bgr24:
        (row + 3 * x).storeBytes(of: (0, 0, 255) as (UInt8, UInt8, UInt8), as: (UInt8, UInt8, UInt8).self)
      case .yuyv: (row + 2 * x).storeBytes(of: 255, as: UInt8.self)
      case .uyvy: (row + 2 * x + 1).storeBytes(of: 255, as: UInt8.self)
      default: (row + x).storeBytes(of: 255, as: UInt8.self)
      }
    }
    for t in 0..<thickness {
      for x in x0...max(x0, x1) {
        paint(x, min(y0 + t, y1))
        paint(x, max(y1 - t, y0))
      }
      for y in y0...max(y0, y1) {
        paint(min(x0 + t, x1), y)
        paint(max(x1 - t, x0), y)
      }
    }
  }
}
