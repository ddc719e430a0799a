import ArgumentParser
import Offload

/// TLS options for commands that connect to a tail server (`hiyari-fleet serve --tls-...`).
struct OffloadTLSOptions: ParsableArguments {
  @Option(help: "Connect over TLS, trusting the server certificates this PEM CA signs.")
  var tlsCA: String?

  @Option(help: "This device's PEM certificate chain, for servers that require one (with --tls-key).")
  var tlsCertificate: String?

  @Option(help: "The PEM private key of --tls-certificate.")
  var tlsKey: String?

  @Option(help: "The name the server's certificate must carry (default: the --server host).")
  var tlsServerName: String?

  func validate() throws {
    guard (tlsCertificate == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-certificate and --tls-key go together")
    }
    guard tlsCA != nil || (tlsCertificate == nil && tlsServerName == nil) else {
      throw ValidationError("--tls-certificate, --tls-key and --tls-server-name need --tls-ca")
    }
  }

  /// The client's TLS settings, nil without --tls-ca; a bad file is a validation error naming it.
  func tls() throws -> OffloadTLS? {
    guard let tlsCA else { return nil }
    do {
      return try OffloadTLS(
        trustRootsPath: tlsCA, certificateChainPath: tlsCertificate, privateKeyPath: tlsKey,
        serverName: tlsServerName)
    } catch {
      throw ValidationError(error.description)
    }
  }
}
