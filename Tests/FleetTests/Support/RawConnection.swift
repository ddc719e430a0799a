import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// A plain blocking TCP socket on loopback, for sending a server bytes no well-behaved client
/// would, and for a scripted peer. Every read has a timeout, so a test cannot hang on it.
final class RawConnection {
  let fd: Int32

  init(fd: Int32) {
    self.fd = fd
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  }

  /// Connects to 127.0.0.1:`port`.
  convenience init(port: Int) throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = RawConnection.loopback(port: port)
    let result = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard fd >= 0, result == 0 else {
      close(fd)
      throw OffloadError("cannot connect to 127.0.0.1:\(port): errno \(errno)")
    }
    self.init(fd: fd)
  }

  deinit { close(fd) }

  static func loopback(port: Int) -> sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return address
  }

  func send(_ bytes: [UInt8]) throws {
    var offset = 0
    while offset < bytes.count {
      let count = bytes[offset...].withUnsafeBytes {
        Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
      }
      guard count > 0 else { throw OffloadError("send failed: errno \(errno)") }
      offset += count
    }
  }

  func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

  /// Exactly `count` bytes, or nil at the end of the stream.
  func read(_ count: Int) throws -> [UInt8]? {
    var bytes = [UInt8](repeating: 0, count: count)
    var offset = 0
    while offset < count {
      let got = bytes[offset...].withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if got == 0 { return nil }
      guard got > 0 else { throw OffloadError("recv failed or timed out: errno \(errno)") }
      offset += got
    }
    return bytes
  }

  /// The next message, or nil at the end of the stream.
  func readMessage() throws -> WireMessage? {
    guard let prefix = try read(4) else { return nil }
    let length = prefix.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self)) }
    guard let body = try read(Int(length)) else { return nil }
    return try WireCodec.decode(frame: prefix + body)
  }
}

/// A listening socket on loopback for a scripted peer.
final class RawListener {
  let fd: Int32
  let port: Int

  init() throws {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    self.fd = fd
    var address = RawConnection.loopback(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, $0, &length) == 0
      }
    }
    guard bound else { throw OffloadError("cannot listen on loopback: errno \(errno)") }
    port = Int(UInt16(bigEndian: address.sin_port))
  }

  deinit { close(fd) }

  /// The next connection, waiting at most 10 s.
  func accept() throws -> RawConnection {
    var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
    guard poll(&poller, 1, 10_000) == 1 else { throw OffloadError("no connection within 10 s") }
    let client = Glibc.accept(fd, nil, nil)
    guard client >= 0 else { throw OffloadError("accept failed: errno \(errno)") }
    return RawConnection(fd: client)
  }
}
