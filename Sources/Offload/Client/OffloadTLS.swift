import NIOCore
import NIOSSL

/// TLS for the offload connection: the device checks the server's certificate against its own
/// trust roots (the fleet's CA, not the system's: a fleet runs its own), and may present a
/// certificate of its own when the server asks for one.
///
/// Certificates are read and the context built when this is made, so a missing or malformed
/// file is an error at start-up, not a stream of failed connections later.
public struct OffloadTLS: Sendable {
  /// The name the server's certificate must carry (a DNS name or an IP address); nil checks it
  /// against the host the client connects to.
  public var serverName: String?
  let context: NIOSSLContext

  /// - Parameters:
  ///   - trustRootsPath: PEM file of the CA certificates that sign the server's certificate.
  ///   - certificateChainPath: PEM file of the device's certificate chain, for servers that
  ///     authenticate devices; with `privateKeyPath`.
  ///   - privateKeyPath: PEM file of the device's private key.
  public init(
    trustRootsPath: String, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
    serverName: String? = nil
  ) throws(OffloadError) {
    guard (certificateChainPath == nil) == (privateKeyPath == nil) else {
      throw OffloadError("a client certificate needs both its chain and its private key")
    }
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.minimumTLSVersion = .tlsv12
    do {
      configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(trustRootsPath))
      if let certificateChainPath, let privateKeyPath {
        configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChainPath)
          .map { .certificate($0) }
        configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem))
      }
      context = try NIOSSLContext(configuration: configuration)
    } catch {
      throw OffloadError("TLS setup failed (trust roots \(trustRootsPath)): \(error)")
    }
    self.serverName = serverName
  }

  /// The name sent as SNI and checked against the certificate. An IP address cannot go in SNI:
  /// nil makes the handshake check the certificate against the peer's address instead.
  func hostnameToVerify(connectingTo host: String) -> String? {
    let name = serverName ?? host
    return (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
  }
}
