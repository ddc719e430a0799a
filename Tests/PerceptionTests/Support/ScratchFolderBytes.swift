#if canImport(Glibc)
  import Glibc
#endif

extension ScratchFolder {
  /// The bytes of a file in the folder.
  func read(_ name: String) throws -> [UInt8] {
    guard let file = fopen(file(name), "rb") else { throw ToolFailure("cannot open \(name)") }
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
    guard let file = fopen(file(name), "ab") else { throw ToolFailure("cannot open \(name)") }
    defer { fclose(file) }
    guard fwrite(bytes, 1, bytes.count, file) == bytes.count else { throw ToolFailure("write failed") }
  }
}
