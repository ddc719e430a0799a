#if canImport(Glibc)
  import Glibc
#endif

/// Writes files so that a power cut leaves either the old content or the new, never a torn file:
/// write a temporary file beside the target, fsync it, rename it over the target, fsync the folder.
public enum DurableFile {
  /// Why a durable write failed.
  public struct WriteError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
  }

  public static func write(_ bytes: UnsafeRawBufferPointer, to path: String) throws(WriteError) {
    let temporary = "\(path).tmp-\(getpid())"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw failure(path, "cannot create \(temporary)") }
    var offset = 0
    while offset < bytes.count {
      let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
      if written < 0 && errno == EINTR { continue }
      guard written > 0 else {
        let error = failure(path, "write failed")
        Glibc.close(descriptor)
        unlink(temporary)
        throw error
      }
      offset += written
    }
    try publish(temporary, syncing: descriptor, as: path)
  }

  /// Makes a file written under a temporary name durable and gives it its final name: fsync the
  /// file, rename it over `path`, fsync the folder. For files written by other code (a muxer),
  /// so a crash leaves only the temporary name, never a half-written file under the real one.
  /// The temporary file is removed if this fails.
  public static func commit(_ temporary: String, as path: String) throws(WriteError) {
    let descriptor = open(temporary, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { throw failure(path, "cannot open \(temporary)") }
    try publish(temporary, syncing: descriptor, as: path)
  }

  /// Syncs and closes the temporary file open as `descriptor`, renames it over `path` and syncs
  /// the folder; removes the temporary file on failure.
  private static func publish(_ temporary: String, syncing descriptor: Int32, as path: String)
    throws(WriteError)
  {
    guard fsync(descriptor) == 0 else {
      let error = failure(path, "fsync failed")
      Glibc.close(descriptor)
      unlink(temporary)
      throw error
    }
    Glibc.close(descriptor)
    guard rename(temporary, path) == 0 else {
      let error = failure(path, "rename failed")
      unlink(temporary)
      throw error
    }
    let folder = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let folderDescriptor = open(folder.isEmpty ? "/" : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if folderDescriptor >= 0 {
      fsync(folderDescriptor)
      Glibc.close(folderDescriptor)
    }
  }

  public static func write(_ bytes: [UInt8], to path: String) throws(WriteError) {
    let result: Result<Void, WriteError> = bytes.withUnsafeBytes { buffer in
      Result { () throws(WriteError) in try write(buffer, to: path) }
    }
    try result.get()
  }

  private static func failure(_ path: String, _ what: String) -> WriteError {
    WriteError(path: path, reason: "\(what): \(String(cString: strerror(errno)))")
  }
}
