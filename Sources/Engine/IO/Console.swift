#if canImport(Glibc)
  import Glibc
#endif

/// Text for a person at the terminal, apart from a command's output.
public enum Console {
  /// Writes `text` to standard error as is (no newline added), unbuffered.
  public static func writeError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
  }
}
