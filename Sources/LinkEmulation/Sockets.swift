#if canImport(Glibc)
  import Glibc
#endif

/// The few socket calls the relay needs, with errors as `LinkEmulationError`.
enum Sockets {
  static func check(_ result: Int32, _ call: String) throws {
    if result < 0 { throw LinkEmulationError.system(call: call, errno: errno) }
  }

  /// A non-blocking listening socket on `address` (port 0: any free port).
  static func listen(on address: SocketAddress) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try check(fd, "socket")
    do {
      var one: Int32 = 1
      try check(
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)), "setsockopt")
      var raw = address.sockaddr
      let bound = withUnsafePointer(to: &raw) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      try check(bound, "bind \(address)")
      try check(Glibc.listen(fd, 128), "listen")
      try setNonBlocking(fd)
      return fd
    } catch {
      close(fd)
      throw error
    }
  }

  /// The address a socket is bound to (the port the kernel chose for port 0).
  static func localAddress(_ fd: Int32) throws -> SocketAddress {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let result = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    try check(result, "getsockname")
    return SocketAddress(address)
  }

  /// Accepts one connection, non-blocking with TCP_NODELAY, or nil when none is waiting.
  static func accept(_ listener: Int32) -> (fd: Int32, peer: SocketAddress)? {
    var address = sockaddr_in()
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let fd = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(listener, $0, &length) }
    }
    guard fd >= 0 else { return nil }
    try? setNonBlocking(fd)
    setNoDelay(fd)
    return (fd, SocketAddress(address))
  }

  /// Starts a non-blocking connect; completion shows as POLLOUT and `SO_ERROR`.
  static func startConnect(to address: SocketAddress) throws -> Int32 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try check(fd, "socket")
    try setNonBlocking(fd)
    setNoDelay(fd)
    var raw = address.sockaddr
    let result = withUnsafePointer(to: &raw) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    if result < 0 && errno != EINPROGRESS {
      let code = errno
      close(fd)
      throw LinkEmulationError.system(call: "connect \(address)", errno: code)
    }
    return fd
  }

  /// The pending error of a socket (0 once a connect has succeeded).
  static func pendingError(_ fd: Int32) -> Int32 {
    var code: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length)
    return code
  }

  static func setNonBlocking(_ fd: Int32) throws {
    let flags = fcntl(fd, F_GETFL)
    try check(flags, "fcntl")
    try check(fcntl(fd, F_SETFL, flags | O_NONBLOCK), "fcntl")
  }

  /// Small messages (pings, frame headers) must leave as soon as they are due, not wait for
  /// Nagle's algorithm to coalesce them: that would add delay the profile does not have.
  static func setNoDelay(_ fd: Int32) {
    var one: Int32 = 1
    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
  }

  /// Closes with a reset (SO_LINGER 0): a cut link must fail the peers at once, with an error,
  /// rather than look like an orderly end of stream.
  static func reset(_ fd: Int32) {
    var option = linger(l_onoff: 1, l_linger: 0)
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
    close(fd)
  }
}
