#if canImport(Glibc)
  import Glibc
#endif

/// Reads a model file whole, refusing one larger than `limit` before reading it.
enum ONNXFileReading {
  static func read(_ path: String, limit: Int) throws(GraphError) -> [UInt8] {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw GraphError("cannot open \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      throw GraphError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw GraphError("\(path) is not a regular file") }
    let size = Int(status.st_size)
    guard size <= limit else {
      throw GraphError("\(path) is \(size) bytes; ONNX models larger than \(limit) bytes (2 GiB) are refused")
    }
    var bytes = [UInt8](repeating: 0, count: size)
    var offset = 0
    while offset < size {
      let count = bytes.withUnsafeMutableBytes { buffer in
        Glibc.read(descriptor, buffer.baseAddress! + offset, size - offset)
      }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else {
        throw GraphError(
          count == 0
            ? "\(path) shrank while it was read" : "cannot read \(path): \(String(cString: strerror(errno)))")
      }
      offset += count
    }
    return bytes
  }
}
