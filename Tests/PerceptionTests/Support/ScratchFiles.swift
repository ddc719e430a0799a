import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A scratch folder removed when the value goes away.
final class ScratchFolder {
  let path: String

  init() throws {
    var template = Array("/tmp/hiyari-perception-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw ToolFailure("cannot make a temporary folder") }
    path = String(cString: made)
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  func file(_ name: String) -> String { "\(path)/\(name)" }
}

struct ToolFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// Runs one of Debian's programs (ffmpeg, ffprobe) to completion and returns its standard output;
/// a missing program or a failure is an error naming it (scripts/install-deps installs ffmpeg).
@discardableResult
func runTool(_ name: String, _ arguments: [String]) throws -> String {
  let candidates: [String] = ["/usr/bin/\(name)", "/usr/local/bin/\(name)", "/bin/\(name)"]
  let path = candidates.first { access($0, X_OK) == 0 }
  guard let path else {
    throw ToolFailure("\(name) is not installed: install it with `apt-get install ffmpeg`")
  }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: path)
  process.arguments = arguments
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  process.standardInput = FileHandle.nullDevice
  try process.run()
  let text = output.fileHandleForReading.readDataToEndOfFile()
  let errorText = errors.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw ToolFailure(
      "\(name) \(arguments.joined(separator: " ")) failed: \(String(decoding: errorText, as: UTF8.self))")
  }
  return String(decoding: text, as: UTF8.self)
}
