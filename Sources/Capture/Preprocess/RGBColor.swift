/// An 8-bit RGB pixel value, e.g. the color of letterbox bars.
public struct RGBColor: Sendable, Hashable {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// A gray with all three channels at `level`.
  public init(gray level: UInt8) {
    self.init(red: level, green: level, blue: level)
  }

  /// The gray YOLO-family detectors are trained with in their letterbox bars (114, 114, 114).
  public static let letterboxGray = RGBColor(gray: 114)

  public static let black = RGBColor(gray: 0)
}
