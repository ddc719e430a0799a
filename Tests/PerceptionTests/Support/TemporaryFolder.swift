#if canImport(Glibc)
  import Glibc
#endif

/// A fresh folder under /tmp for one test, removed with its files when released.
final class TemporaryFolder {
  let path: String

  init() throws {
    var template = Array("/tmp/perception-test-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw PerceptionTestError("mkdtemp failed: errno \(errno)") }
    path = String(cString: made)
  }

  deinit {
    guard let folder = opendir(path) else { return }
    while let entry = readdir(folder) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
      }
      if name != "." && name != ".." { unlink("\(path)/\(name)") }
    }
    closedir(folder)
    rmdir(path)
  }

  /// The bytes of a file in the folder.
  func read(_ name: String) throws -> [UInt8] {
    guard let file = fopen("\(path)/\(name)", "rb") else { throw PerceptionTestError("cannot open \(name)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = fread(&buffer, 1, buffer.count, file)
      if count == 0 { break }
      bytes += buffer[..<count]
    }
    return bytes
  }

  /// Appends raw bytes to a file in the folder (to simulate a torn write).
  func append(_ bytes: [UInt8], to name: String) throws {
    guard let file = fopen("\(path)/\(name)", "ab") else { throw PerceptionTestError("cannot open \(name)") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else {
      throw PerceptionTestError("write failed")
    }
  }
}

struct PerceptionTestError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
