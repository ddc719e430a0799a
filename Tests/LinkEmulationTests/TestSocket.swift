#if canImport(Glibc)
  import Glibc
#endif

/// Blocking loopback sockets for the tests' servers and clients.
enum TestSocket {
  /// A listening socket on 127.0.0.1 and the port the kernel gave it.
  static func listen() -> (fd: Int32, port: UInt16) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        precondition(bind(fd, $0, length) == 0)
        precondition(Glibc.listen(fd, 16) == 0)
        precondition(getsockname(fd, $0, &length) == 0)
      }
    }
    return (fd, UInt16(bigEndian: address.sin_port))
  }

  static func connect(port: UInt16) -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = port.bigEndian
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    precondition(result == 0, "connect: errno \(errno)")
    noDelay(fd)
    receiveTimeout(fd, seconds: 10)
    return fd
  }

  static func accept(_ listener: Int32) -> Int32 {
    let fd = Glibc.accept(listener, nil, nil)
    if fd >= 0 {
      noDelay(fd)
      receiveTimeout(fd, seconds: 10)
    }
    return fd
  }

  static func noDelay(_ fd: Int32) {
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
  }

  /// A read that waits longer than this fails with EAGAIN, so a broken relay fails a test
  /// rather than hanging it.
  static func receiveTimeout(_ fd: Int32, seconds: Int) {
    var time = timeval(tv_sec: seconds, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Writes everything; false if the connection failed.
  @discardableResult
  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var offset = 0
    while offset < bytes.count {
      let count = bytes.withUnsafeBytes {
        send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
      }
      if count <= 0 { return false }
      offset += count
    }
    return true
  }

  /// Reads exactly `count` bytes, or nil on EOF, error or timeout.
  static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    var offset = 0
    while offset < count {
      let got = bytes.withUnsafeMutableBytes { recv(fd, $0.baseAddress! + offset, count - offset, 0) }
      if got <= 0 { return nil }
      offset += got
    }
    return bytes
  }
}
