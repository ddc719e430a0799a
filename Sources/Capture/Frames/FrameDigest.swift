/// Cheap per-frame facts for logs and checks: a content hash and the mean luma.
public struct FrameDigest: Sendable, Equatable {
  /// FNV-1a over every visible byte of every plane (padding excluded).
  public var hash: UInt64
  /// Mean of the luma (or gray, or green for RGB) samples, 0...255.
  public var meanLuma: Double

  /// Digests `frame`'s pixels.
  public init(_ frame: Frame) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    var lumaSum = 0
    var lumaCount = 0
    for index in 0..<frame.planeCount {
      let plane = frame.plane(index)
      let rowBytes = FrameDigest.visibleBytesPerRow(frame, plane: index)
      for y in 0..<plane.rows {
        let row = plane.row(y).assumingMemoryBound(to: UInt8.self)
        for x in 0..<rowBytes {
          hash = (hash ^ UInt64(row[x])) &* 0x100_0000_01b3
        }
        guard index == 0 else { continue }
        let (start, step) = FrameDigest.lumaSampling(frame.format)
        var x = start
        while x < rowBytes {
          lumaSum += Int(row[x])
          lumaCount += 1
          x += step
        }
      }
    }
    self.hash = hash
    self.meanLuma = lumaCount == 0 ? 0 : Double(lumaSum) / Double(lumaCount)
  }

  static func visibleBytesPerRow(_ frame: Frame, plane: Int) -> Int {
    let halfWidth = (frame.width + 1) / 2
    switch frame.format {
    case .yuyv, .uyvy: return 4 * halfWidth
    case .rgb24, .bgr24: return frame.width * 3
    case .nv12: return plane == 0 ? frame.width : 2 * halfWidth
    case .yuv420p, .yuv422p: return plane == 0 ? frame.width : halfWidth
    case .yuv444p, .gray8, .mjpeg: return frame.width
    }
  }

  /// First byte and stride of luma samples within a row of plane 0.
  static func lumaSampling(_ format: PixelFormat) -> (Int, Int) {
    switch format {
    case .yuyv: (0, 2)
    case .uyvy: (1, 2)
    case .rgb24, .bgr24: (1, 3)
    default: (0, 1)
    }
  }
}
