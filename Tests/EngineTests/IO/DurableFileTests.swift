import Glibc
import Testing

@testable import Engine

@Suite struct DurableFileTests {
  func temporaryFolder() -> String {
    var template = Array("/tmp/hiyari-durable-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
  }

  func read(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = fread(&buffer, 1, buffer.count, file)
      if count == 0 { break }
      bytes += buffer[0..<count]
    }
    return bytes
  }

  @Test func writesAndReplacesWithoutLeavingTemporaries() throws {
    let folder = temporaryFolder()
    let path = "\(folder)/state.bin"
    try DurableFile.write([1, 2, 3], to: path)
    #expect(read(path) == [1, 2, 3])
    try DurableFile.write([9, 8], to: path)
    #expect(read(path) == [9, 8])
    var entries: [String] = []
    let directory = opendir(folder)!
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) {
        String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name != "." && name != ".." { entries.append(name) }
    }
    closedir(directory)
    #expect(entries == ["state.bin"])
  }

  @Test func aMissingFolderIsAnErrorNamingThePath() {
    #expect {
      try DurableFile.write([1], to: "/nonexistent-hiyari/x.bin")
    } throws: { error in
      (error as! DurableFile.WriteError).description.hasPrefix("/nonexistent-hiyari/x.bin: cannot create")
    }
  }

  /// A file written under a temporary name by other code takes its final name; a missing
  /// temporary file is an error naming the target.
  @Test func commitsAFileWrittenElsewhere() throws {
    let folder = temporaryFolder()
    let temporary = "\(folder)/clip.mp4.partial"
    let file = fopen(temporary, "wb")!
    fwrite([UInt8](repeating: 7, count: 10), 1, 10, file)
    fclose(file)
    try DurableFile.commit(temporary, as: "\(folder)/clip.mp4")
    #expect(read("\(folder)/clip.mp4") == [UInt8](repeating: 7, count: 10))
    #expect(read(temporary) == nil)
    #expect(throws: DurableFile.WriteError.self) {
      try DurableFile.commit(temporary, as: "\(folder)/other.mp4")
    }
  }
}
