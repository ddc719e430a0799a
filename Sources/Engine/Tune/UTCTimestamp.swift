#if canImport(Glibc)
  import Glibc
#endif

/// A moment as ISO 8601 text in UTC, "2026-11-22T18:44:45Z", made with the C library (Engine
/// does without Foundation's formatters).
public enum UTCTimestamp {
  /// Now.
  public static func now() -> String { format(secondsSince1970: Int(time(nil))) }

  /// The timestamp of `seconds` after 1970-01-01T00:00:00Z.
  public static func format(secondsSince1970 seconds: Int) -> String {
    var clock = time_t(seconds)
    var parts = tm()
    gmtime_r(&clock, &parts)
    func padded(_ value: Int32, _ width: Int) -> String {
      let digits = String(value)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return
      "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))Z"
  }
}
