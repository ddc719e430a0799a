#if canImport(Glibc)
  import Glibc
#endif

/// A whole file mapped into memory copy-on-write: reads come straight from the page cache, and a
/// stray write changes only this process's copy.
public final class MappedFile: @unchecked Sendable {
  // Safety: the mapping is immutable after init; it is unmapped only in deinit.
  public let path: String
  public let bytes: UnsafeMutableRawBufferPointer

  /// Maps `path`, refusing files larger than `maximumBytes`.
  public init(path: String, maximumBytes: Int = 1 << 32) throws(GraphError) {
    self.path = path
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw GraphError("\(path): cannot open: \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      throw GraphError("\(path): not a regular file")
    }
    let size = Int(status.st_size)
    guard size <= maximumBytes else {
      throw GraphError("\(path): \(size) bytes exceeds the \(maximumBytes)-byte limit")
    }
    if size == 0 {
      bytes = UnsafeMutableRawBufferPointer(start: nil, count: 0)
      return
    }
    let address = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, descriptor, 0)
    guard let address, address != MAP_FAILED else {
      throw GraphError("\(path): cannot map: \(String(cString: strerror(errno)))")
    }
    bytes = UnsafeMutableRawBufferPointer(start: address, count: size)
  }

  deinit {
    if let base = bytes.baseAddress { munmap(base, bytes.count) }
  }
}
