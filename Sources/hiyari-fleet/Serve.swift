import ArgumentParser
import Engine
import Fleet
import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-fleet serve`: serves the tails of the given models until SIGINT or SIGTERM.
struct Serve: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Serve model tails to devices over the offload protocol.",
    discussion: """
      Prints one line per model (its hash and node count), then "listening on HOST:PORT" with the \
      port actually bound (--listen HOST:0 lets the kernel choose). Stops cleanly on SIGINT or SIGTERM.
      """)

  @Option(help: "Where to listen, HOST:PORT (port 0: any free port).")
  var listen: String

  @Option(name: .customLong("model"), help: "A model bundle folder or .onnx file to serve (repeatable).")
  var models: [String]

  @Option(help: "Worker threads running tails.")
  var threads = 1

  @Option(help: "The most requests queued or running at once.")
  var queueLimit = 64

  @Option(help: "Serve over TLS with this PEM certificate chain (with --tls-key).")
  var tlsCertificate: String?

  @Option(help: "The PEM private key of --tls-certificate.")
  var tlsKey: String?

  @Option(help: "Require devices to present a certificate signed by this PEM CA (TLS only).")
  var tlsDeviceCA: String?

  func validate() throws {
    guard !models.isEmpty else { throw ValidationError("give at least one --model") }
    guard (tlsCertificate == nil) == (tlsKey == nil) else {
      throw ValidationError("--tls-certificate and --tls-key go together")
    }
    guard tlsDeviceCA == nil || tlsCertificate != nil else {
      throw ValidationError("--tls-device-ca needs --tls-certificate and --tls-key")
    }
    guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
  }

  func run() async throws {
    let address = try OffloadClientConfiguration(address: listen)
    var served: [ServedModel] = []
    for path in models {
      do {
        let model = try ServedModel(path: path)
        served.append(model)
        print("model \(model.hash) nodes \(model.graph.nodes.count) \(path)")
      } catch {
        throw ValidationError("\(path): \(error.description)")
      }
    }
    // Signals reach whichever thread the kernel picks: a handler writes to a pipe, and this
    // task waits on it.
    var pipeFDs: [Int32] = [0, 0]
    guard pipe(&pipeFDs) == 0 else { throw ValidationError("pipe failed: errno \(errno)") }
    StopSignal.writeFD = pipeFDs[1]
    for number in [SIGINT, SIGTERM] {
      signal(number) { _ in
        var byte: UInt8 = 1
        _ = write(StopSignal.writeFD, &byte, 1)
      }
    }
    signal(SIGPIPE, SIG_IGN)

    var configuration = TailServerConfiguration(threads: threads)
    configuration.queueLimit = max(1, queueLimit)
    if let tlsCertificate, let tlsKey {
      do {
        configuration.tls = try TailServerTLS(
          certificateChainPath: tlsCertificate, privateKeyPath: tlsKey, deviceTrustRootsPath: tlsDeviceCA)
      } catch {
        throw ValidationError(error.description)
      }
    }
    let server = TailServer(models: served, configuration: configuration)
    let bound = try await server.start(host: address.host, port: address.port)
    print(
      "listening on \(bound.ipAddress ?? address.host):\(bound.port ?? address.port)"
        + (configuration.tls == nil ? "" : " (TLS)"))
    fflush(nil)
    let readFD = pipeFDs[0]
    await Task.detached {
      var byte: UInt8 = 0
      while true {
        let count = read(readFD, &byte, 1)
        if count < 0 && errno == EINTR { continue }
        break
      }
    }.value
    await server.stop()
    print("stopped")
    fflush(nil)
  }
}
