/// An 8-bit RGB colour for drawing into frames, with its BT.601 limited-range YUV form (what
/// decoded video and cameras carry).
public struct CanvasColor: Sendable, Hashable {
  public var red: UInt8
  public var green: UInt8
  public var blue: UInt8

  public init(red: UInt8, green: UInt8, blue: UInt8) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// Y, Cb, Cr in BT.601 limited range (16...235, 16...240).
  public var yuv: (y: UInt8, u: UInt8, v: UInt8) {
    let r = Double(red)
    let g = Double(green)
    let b = Double(blue)
    let y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    let u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    let v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    func byte(_ value: Double) -> UInt8 { UInt8(min(max(value.rounded(), 0), 255)) }
    return (byte(y), byte(u), byte(v))
  }

  public static let black = CanvasColor(red: 0, green: 0, blue: 0)
  public static let white = CanvasColor(red: 255, green: 255, blue: 255)

  /// The colour of a risk level: green (none), yellow (caution), orange (warning), red (critical).
  public static func risk(_ level: RiskLevel) -> CanvasColor {
    switch level {
    case .none: CanvasColor(red: 40, green: 220, blue: 60)
    case .caution: CanvasColor(red: 255, green: 220, blue: 0)
    case .warning: CanvasColor(red: 255, green: 128, blue: 0)
    case .critical: CanvasColor(red: 255, green: 0, blue: 0)
    }
  }
}
