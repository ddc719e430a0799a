import Engine
import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#endif

/// Near-miss events as JSON Lines, written durably: each event is one line appended and
/// fsynced before `append` returns. A power cut can tear only the line being written; opening
/// the log again cuts that torn tail off, and reading skips it, so every earlier event reads
/// back.
public final class EventLog {
  public let path: String
  private let descriptor: Int32
  /// Reading refuses logs larger than this (a hostile or runaway file).
  public static let maximumReadBytes = 1 << 30

  /// Opens (creating if needed) the log at `path` for appending, removing a torn last line.
  public init(path: String) throws(PerceptionError) {
    self.path = path
    let descriptor = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw Self.failure(path, "cannot open") }
    self.descriptor = descriptor
    do {
      try Self.cutTornTail(descriptor, path: path)
    } catch {
      close(descriptor)
      throw error
    }
  }

  deinit { close(descriptor) }

  /// Appends `event` as one line and fsyncs it.
  public func append(_ event: NearMissEvent) throws(PerceptionError) {
    var line: [UInt8]
    do {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys]
      // JSON has no infinity; a TTC never measured finite is written as a string, not lost.
      encoder.nonConformingFloatEncodingStrategy = .convertToString(
        positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
      line = Array(try encoder.encode(event))
    } catch {
      throw PerceptionError("\(path): cannot encode event \(event.id): \(error)")
    }
    line.append(UInt8(ascii: "\n"))
    let complete = line.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        offset += written
      }
      return true
    }
    guard complete else { throw Self.failure(path, "write failed") }
    guard fsync(descriptor) == 0 else { throw Self.failure(path, "fsync failed") }
  }

  /// What a log held: its events in order, and the 1-based numbers of lines that were not
  /// events (damage other than a torn last line, which is skipped silently).
  public struct Contents: Sendable {
    public var events: [NearMissEvent]
    public var damagedLines: [Int]
  }

  /// Reads every complete event line of the log at `path`.
  public static func read(path: String) throws(PerceptionError) -> Contents {
    let file: MappedFile
    do {
      file = try MappedFile(path: path, maximumBytes: maximumReadBytes)
    } catch {
      throw PerceptionError("event log \(error.description)")
    }
    let bytes = UnsafeRawBufferPointer(file.bytes)
    var contents = Contents(events: [], damagedLines: [])
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(
      positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    var lineStart = 0
    var lineNumber = 0
    for index in 0..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
      lineNumber += 1
      defer { lineStart = index + 1 }
      guard index > lineStart else { continue }
      do {
        let line = Data(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<index]))
        contents.events.append(try decoder.decode(NearMissEvent.self, from: line))
      } catch {
        contents.damagedLines.append(lineNumber)
      }
    }
    // Bytes after the last newline are a line torn by a crash: never acknowledged, skipped.
    return contents
  }

  /// Truncates the file after its last newline when it does not end with one.
  private static func cutTornTail(_ descriptor: Int32, path: String) throws(PerceptionError) {
    var status = stat()
    guard fstat(descriptor, &status) == 0 else { throw failure(path, "cannot stat") }
    var end = Int(status.st_size)
    guard end > 0 else { return }
    var byte: UInt8 = 0
    guard pread(descriptor, &byte, 1, off_t(end - 1)) == 1 else { throw failure(path, "cannot read") }
    guard byte != UInt8(ascii: "\n") else { return }
    // Walk back in chunks to the last newline; a torn line is at most one event long, but the
    // walk is bounded by the file size whatever the file holds.
    var chunk = [UInt8](repeating: 0, count: 4096)
    var keep = 0
    search: while end > 0 {
      let start = max(0, end - chunk.count)
      let count = chunk.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress!, end - start, off_t(start))
      }
      guard count == end - start else { throw failure(path, "cannot read") }
      for index in stride(from: count - 1, through: 0, by: -1) where chunk[index] == UInt8(ascii: "\n") {
        keep = start + index + 1
        break search
      }
      end = start
    }
    guard ftruncate(descriptor, off_t(keep)) == 0, fsync(descriptor) == 0 else {
      throw failure(path, "cannot cut the torn last line")
    }
  }

  private static func failure(_ path: String, _ what: String) -> PerceptionError {
    PerceptionError("\(path): \(what): \(String(cString: strerror(errno)))")
  }
}
