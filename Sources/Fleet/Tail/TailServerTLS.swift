import NIOSSL
import Offload

/// TLS for a `TailServer`: its certificate chain and key, and optionally the CA whose
/// certificates devices must present (then a device without one is refused at the handshake).
///
/// Files are read and the context built when this is made, so a bad file stops the server at
/// start-up with the file named.
public struct TailServerTLS: Sendable {
  let context: NIOSSLContext

  /// - Parameters:
  ///   - certificateChainPath: PEM file of the server's certificate chain, leaf first.
  ///   - privateKeyPath: PEM file of the server's private key.
  ///   - deviceTrustRootsPath: PEM file of the CA that signs device certificates; nil accepts
  ///     devices without a certificate.
  public init(certificateChainPath: String, privateKeyPath: String, deviceTrustRootsPath: String? = nil)
    throws(OffloadError)
  {
    do {
      let chain = try NIOSSLCertificate.fromPEMFile(certificateChainPath).map {
        NIOSSLCertificateSource.certificate($0)
      }
      guard !chain.isEmpty else { throw OffloadError("\(certificateChainPath) holds no certificate") }
      var configuration = TLSConfiguration.makeServerConfiguration(
        certificateChain: chain,
        privateKey: .privateKey(try NIOSSLPrivateKey(file: privateKeyPath, format: .pem)))
      configuration.minimumTLSVersion = .tlsv12
      if let deviceTrustRootsPath {
        configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(deviceTrustRootsPath))
        configuration.certificateVerification = .noHostnameVerification
      }
      context = try NIOSSLContext(configuration: configuration)
    } catch let error as OffloadError {
      throw error
    } catch {
      throw OffloadError(
        "TLS setup failed (certificate \(certificateChainPath), key \(privateKeyPath)): \(error)")
    }
  }
}
