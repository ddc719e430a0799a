#if canImport(Glibc)
  import Glibc
#endif

/// Small file-system helpers for the command.
enum Files {
  static func standardError(_ text: String) {
    var bytes = Array(text.utf8)
    _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
  }

  /// Creates `path` and its parents (like mkdir -p).
  static func makeDirectory(_ path: String) throws {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      current += "/" + part
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw TrainCommandError("cannot create directory \(current)")
      }
    }
  }
}

/// A failure the command reports in words.
struct TrainCommandError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
