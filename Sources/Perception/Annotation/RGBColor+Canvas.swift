import Capture

extension RGBColor {
  /// Y, Cb, Cr in BT.601 limited range (16...235, 16...240), what decoded video and cameras
  /// carry, for drawing into YUV frames.
  public var limitedRangeYUV: (y: UInt8, u: UInt8, v: UInt8) {
    let r = Double(red)
    let g = Double(green)
    let b = Double(blue)
    let y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    let u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    let v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    func byte(_ value: Double) -> UInt8 { UInt8(min(max(value.rounded(), 0), 255)) }
    return (byte(y), byte(u), byte(v))
  }

  /// The colour a risk level is drawn in: green (none), yellow (caution), orange (warning), red
  /// (critical).
  public static func risk(_ level: RiskLevel) -> RGBColor {
    switch level {
    case .none: RGBColor(red: 40, green: 220, blue: 60)
    case .caution: RGBColor(red: 255, green: 220, blue: 0)
    case .warning: RGBColor(red: 255, green: 128, blue: 0)
    case .critical: RGBColor(red: 255, green: 0, blue: 0)
    }
  }
}
