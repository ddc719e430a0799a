/// An 8-bit RGB picture, rows top to bottom, pixels packed R G B.
public struct RGBImage: Sendable, Hashable {
  public var width: Int
  public var height: Int
  public var pixels: [UInt8]

  public init(width: Int, height: Int, pixels: [UInt8]) {
    precondition(pixels.count == width * height * 3, "an RGB image needs width * height * 3 bytes")
    self.width = width
    self.height = height
    self.pixels = pixels
  }

  /// Mean of all channels (0 ... 255).
  public var meanBrightness: Double {
    var total = 0
    for value in pixels { total += Int(value) }
    return Double(total) / Double(max(1, pixels.count))
  }
}
