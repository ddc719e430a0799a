import Capture

extension RGBImage {
  /// Lends the picture as an RGB24 `Frame` (valid only inside `body`), for Capture's writers.
  public func withFrame<R>(_ body: (Frame) throws -> R) rethrows -> R {
    try pixels.withUnsafeBytes { bytes in
      let plane = FramePlane(base: bytes.baseAddress!, bytesPerRow: width * 3, rows: height)
      return try body(Frame(format: .rgb24, width: width, height: height, planes: [plane]))
    }
  }

  /// A copy with each box outlined (for people checking labels by eye).
  public func outlining(_ boxes: [[Double]], colour: (UInt8, UInt8, UInt8) = (255, 230, 0)) -> RGBImage {
    var copy = self
    func set(_ x: Int, _ y: Int) {
      guard x >= 0, x < width, y >= 0, y < height else { return }
      let p = 3 * (y * width + x)
      copy.pixels[p] = colour.0
      copy.pixels[p + 1] = colour.1
      copy.pixels[p + 2] = colour.2
    }
    for box in boxes where box.count == 4 {
      let x1 = Int(box[0])
      let y1 = Int(box[1])
      let x2 = max(x1, Int(box[2].rounded(.up)) - 1)
      let y2 = max(y1, Int(box[3].rounded(.up)) - 1)
      for x in x1...x2 {
        set(x, y1)
        set(x, y2)
      }
      for y in y1...y2 {
        set(x1, y)
        set(x2, y)
      }
    }
    return copy
  }
}
