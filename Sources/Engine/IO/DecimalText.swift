/// Numbers as text with a fixed count of decimals, for reports and tables: Engine and the
/// device binary do without Foundation's formatters.
public enum DecimalText {
  /// `value` with `places` digits after the point, rounded half away from zero ("-0.50",
  /// "12"); no minus sign when it rounds to zero; non-finite and huge values as Swift prints
  /// them.
  public static func fixed(_ value: Double, places: Int) -> String {
    let places = max(0, min(places, 15))
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return "\(value)" }
    let units = Int64(scaled)
    let whole = units / Int64(scale)
    let sign = value < 0 && units != 0 ? "-" : ""
    guard places > 0 else { return sign + "\(whole)" }
    let digits = String(units % Int64(scale))
    return sign + "\(whole)." + String(repeating: "0", count: places - digits.count) + digits
  }
}
