#if canImport(Glibc)
  import Glibc
#endif

/// An IPv4 address and TCP port. The emulator relays between local processes and test
/// namespaces, which all have IPv4 addresses, so IPv6 and name lookup are left out.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
  /// The address in network byte order, as `sockaddr_in` holds it.
  public var networkOrderAddress: UInt32
  public var port: UInt16

  /// Parses `a.b.c.d:port`; `localhost` stands for 127.0.0.1.
  public init(parsing text: String) throws {
    guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...])
    else { throw LinkEmulationError.badAddress(text) }
    var host = String(text[..<colon])
    if host == "localhost" { host = "127.0.0.1" }
    var address = in_addr()
    guard inet_pton(AF_INET, host, &address) == 1 else { throw LinkEmulationError.badAddress(text) }
    self.networkOrderAddress = address.s_addr
    self.port = port
  }

  init(_ address: sockaddr_in) {
    networkOrderAddress = address.sin_addr.s_addr
    port = UInt16(bigEndian: address.sin_port)
  }

  var sockaddr: sockaddr_in {
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = port.bigEndian
    address.sin_addr.s_addr = networkOrderAddress
    return address
  }

  public var description: String {
    let bytes = withUnsafeBytes(of: networkOrderAddress) { Array($0) }
    return bytes.map(String.init).joined(separator: ".") + ":\(port)"
  }
}
