#if canImport(Glibc)
  import Glibc
#endif

/// Folders for the tools' outputs, without Foundation.
public enum Directories {
  /// A folder that could not be made, with the reason.
  public struct CreationError: Error, CustomStringConvertible {
    public let description: String
  }

  /// Creates `path` and its missing parents (like `mkdir -p`); an existing folder is fine.
  public static func create(_ path: String) throws(CreationError) {
    var current = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      current += "/" + part
      if mkdir(current, 0o755) != 0 && errno != EEXIST {
        throw CreationError(
          description: "cannot create directory \(current): \(String(cString: strerror(errno)))")
      }
    }
  }

  /// The folder part of a path ("." when there is none).
  public static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }
}
