import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// Frames per second with at most two decimals ("30", "12.5", "29.97").
func formatRate(_ rate: Double) -> String {
  let hundredths = (rate * 100).rounded()
  if hundredths.truncatingRemainder(dividingBy: 100) == 0 { return String(Int(hundredths / 100)) }
  return formatDecimal(rate, places: 2)
}

/// A number with a fixed count of decimals, without Foundation's formatters.
func formatDecimal(_ value: Double, places: Int) -> String { DecimalText.fixed(value, places: places) }

/// Writes an error line to standard error.
func printError(_ message: String) {
  var standardError = StandardError()
  print("error: \(message)", to: &standardError)
}

/// Writes a notice that is not a failure to standard error.
func printNotice(_ message: String) {
  var standardError = StandardError()
  print("notice: \(message)", to: &standardError)
}

struct StandardError: TextOutputStream {
  mutating func write(_ text: String) {
    var remaining = Array(text.utf8)[...]
    while !remaining.isEmpty {
      let written = remaining.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
      guard written > 0 else { return }
      remaining = remaining.dropFirst(written)
    }
  }
}
