import Engine
import Fleet
import Offload
import Testing

/// The offload connection over TLS: real handshakes with certificates made by openssl, real tails.
@Suite struct TailServerTLSTests {
  func client(port: Int, tls: OffloadTLS?) -> OffloadClient {
    var configuration = OffloadClientConfiguration(host: "127.0.0.1", port: port)
    configuration.tls = tls
    configuration.reconnectMaximumSeconds = 0.2
    return OffloadClient(configuration)
  }

  func tailMatchesDeviceOnly(_ loopback: Loopback, _ client: OffloadClient, frame: UInt64) async throws {
    let executor = try SplitExecutor(
      graph: loopback.int8.graph, modelHash: loopback.int8.hash, client: client, window: 2, budgetSeconds: 30)
    try await executor.setMode(.split(Cut(crossing: ["q1"])))
    let inputs = TestModels.input(seed: frame)
    let result = try await executor.run(frameID: frame, inputs: inputs)
    #expect(result.tailLocation == .cloud, "\(String(describing: result.fallback))")
    #expect(TestModels.bytes(result.outputs) == (try TestModels.deviceOnly(loopback.int8.graph, inputs)))
  }

  @Test func aTLSSplitEqualsDeviceOnlyAndAClientTrustingAnotherCAIsRefused() async throws {
    let certificates = try TestCertificates.make()
    defer { certificates.remove() }
    let serverTLS = try TailServerTLS(
      certificateChainPath: certificates.serverCertificate, privateKeyPath: certificates.serverKey)
    let loopback = try await Loopback.start { $0.tls = serverTLS }
    defer { Task { await loopback.server.stop() } }

    let trusting = client(
      port: loopback.port, tls: try OffloadTLS(trustRootsPath: certificates.caCertificate))
    try await trusting.connect(timeoutSeconds: 10)
    try await tailMatchesDeviceOnly(loopback, trusting, frame: 1)
    await trusting.close()

    // The server's certificate is not signed by the CA this device trusts: no connection, and
    // the error says why.
    let wary = client(
      port: loopback.port, tls: try OffloadTLS(trustRootsPath: certificates.otherCACertificate))
    do {
      try await wary.connect(timeoutSeconds: 1.5)
      Issue.record("a client trusting another CA connected")
    } catch {
      #expect(error.kind == .notConnected)
      #expect(error.detail.contains("last attempt"), "\(error.detail)")
    }
    await wary.close()

    // A client speaking in the clear gets no reply from a TLS server.
    let plain = client(port: loopback.port, tls: nil)
    try await plain.connect(timeoutSeconds: 10)
    await #expect(throws: OffloadClientError.self) {
      _ = try await plain.runTail(
        try Loopback.request(loopback.int8, cut: Cut(crossing: ["q1"]), frameID: 3), timeoutSeconds: 1)
    }
    await plain.close()

    // The server still serves a good client afterwards.
    let again = client(port: loopback.port, tls: try OffloadTLS(trustRootsPath: certificates.caCertificate))
    try await again.connect(timeoutSeconds: 10)
    try await tailMatchesDeviceOnly(loopback, again, frame: 4)
    await again.close()
  }

  @Test func aServerRequiringDeviceCertificatesRefusesADeviceWithoutOne() async throws {
    let certificates = try TestCertificates.make()
    defer { certificates.remove() }
    let serverTLS = try TailServerTLS(
      certificateChainPath: certificates.serverCertificate, privateKeyPath: certificates.serverKey,
      deviceTrustRootsPath: certificates.caCertificate)
    let loopback = try await Loopback.start { $0.tls = serverTLS }
    defer { Task { await loopback.server.stop() } }

    let anonymous = client(
      port: loopback.port, tls: try OffloadTLS(trustRootsPath: certificates.caCertificate))
    var refused = false
    do {
      try await anonymous.connect(timeoutSeconds: 10)
      // TLS 1.3 may finish the client's side of the handshake before the server checks the
      // device: then the first request is what fails.
      _ = try await anonymous.runTail(
        try Loopback.request(loopback.int8, cut: Cut(crossing: ["q1"]), frameID: 1), timeoutSeconds: 2)
    } catch {
      refused = true
    }
    #expect(refused, "a device without a certificate got a tail served")
    await anonymous.close()

    let enrolled = client(
      port: loopback.port,
      tls: try OffloadTLS(
        trustRootsPath: certificates.caCertificate, certificateChainPath: certificates.deviceCertificate,
        privateKeyPath: certificates.deviceKey))
    try await enrolled.connect(timeoutSeconds: 10)
    try await tailMatchesDeviceOnly(loopback, enrolled, frame: 2)
    await enrolled.close()
  }

  @Test func badTLSFilesAreNamedAtStartUp() throws {
    #expect {
      _ = try OffloadTLS(trustRootsPath: "/nonexistent/ca.pem")
    } throws: { error in
      (error as? OffloadError)?.description.contains("/nonexistent/ca.pem") == true
    }
    #expect {
      _ = try TailServerTLS(certificateChainPath: "/nonexistent/server.pem", privateKeyPath: "/nonexistent/k")
    } throws: { error in
      (error as? OffloadError)?.description.contains("/nonexistent/server.pem") == true
    }
    #expect(throws: OffloadError.self) {
      _ = try OffloadTLS(trustRootsPath: "/nonexistent/ca.pem", certificateChainPath: "/x.pem")
    }
  }
}
