/// How an `OffloadClient` connects and reconnects.
public struct OffloadClientConfiguration: Sendable {
  /// The server's host (an IPv4 or IPv6 address or a name) and port.
  public var host: String
  public var port: Int
  public var limits = WireLimits()
  /// The most seconds one connection attempt may take.
  public var connectTimeoutSeconds = 2.0
  /// The first wait before reconnecting after a drop; doubled after every failed attempt up to
  /// `reconnectMaximumSeconds`, and back to the first after a reply arrives.
  public var reconnectMinimumSeconds = 0.05
  public var reconnectMaximumSeconds = 2.0
  /// Called with every round trip that got a reply (tail requests and pings), on a network
  /// thread: keep it short (e.g. feed a link estimator).
  public var onTransfer: (@Sendable (TransferSample) -> Void)?
  /// TLS on the connection; nil sends in the clear (a private link, or tests).
  public var tls: OffloadTLS?

  public init(host: String, port: Int, onTransfer: (@Sendable (TransferSample) -> Void)? = nil) {
    self.host = host
    self.port = port
    self.onTransfer = onTransfer
  }

  /// Parses `host:port` (`[v6]:port` for IPv6).
  public init(address: String, onTransfer: (@Sendable (TransferSample) -> Void)? = nil) throws(OffloadError) {
    guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
      (0...65535).contains(port)
    else {
      throw OffloadError("\(address) is not HOST:PORT")
    }
    var host = String(address[..<colon])
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.init(host: host, port: port, onTransfer: onTransfer)
  }
}
