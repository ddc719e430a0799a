/// Why the link emulator could not start or read its input.
public enum LinkEmulationError: Error, Equatable, CustomStringConvertible {
  /// An address that is not `IPv4:port` (or `localhost:port`).
  case badAddress(String)
  /// A system call failed: which one, and errno.
  case system(call: String, errno: Int32)
  /// A throughput trace line that is not `seconds,bits_per_second`: the line number (from 1) and why.
  case badTrace(line: Int, reason: String)

  public var description: String {
    switch self {
    case .badAddress(let text): "bad address \"\(text)\": expected IPv4:port, e.g. 127.0.0.1:9000"
    case .system(let call, let code): "\(call) failed: errno \(code)"
    case .badTrace(let line, let reason): "throughput trace line \(line): \(reason)"
    }
  }
}
