import Foundation

/// A throw-away PKI made by the openssl command for TLS tests: a fleet CA, a server certificate
/// for 127.0.0.1 signed by it, a device certificate signed by it, and an unrelated CA.
struct TestCertificates {
  let directory: String

  var caCertificate: String { directory + "/ca.pem" }
  var serverCertificate: String { directory + "/server.pem" }
  var serverKey: String { directory + "/server.key" }
  var deviceCertificate: String { directory + "/device.pem" }
  var deviceKey: String { directory + "/device.key" }
  var otherCACertificate: String { directory + "/other-ca.pem" }

  static func make() throws -> TestCertificates {
    let directory = NSTemporaryDirectory() + "hiyari-tls-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    let certificates = TestCertificates(directory: directory)
    try certificates.run(
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Hiyari test fleet CA")
    try certificates.run(
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", "other-ca.key", "-out", "other-ca.pem", "-days", "2", "-subj", "/CN=Someone else's CA")
    try certificates.signed("server", subject: "/CN=127.0.0.1", extensions: "subjectAltName=IP:127.0.0.1")
    try certificates.signed("device", subject: "/CN=device-0001", extensions: "extendedKeyUsage=clientAuth")
    return certificates
  }

  func remove() { try? FileManager.default.removeItem(atPath: directory) }

  private func signed(_ name: String, subject: String, extensions: String) throws {
    try run(
      "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", "\(name).key",
      "-out", "\(name).csr", "-subj", subject)
    try FileManager.default.createFile(
      atPath: directory + "/\(name).ext", contents: Data((extensions + "\n").utf8))
      ? () : missing("\(name).ext")
    try run(
      "x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
      "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext")
  }

  private func missing(_ file: String) throws { throw CertificateError("could not write \(file)") }

  private func run(_ arguments: String...) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.standardOutput = FileHandle.nullDevice
    let errors = Pipe()
    process.standardError = errors
    do {
      try process.run()
    } catch {
      throw CertificateError("these TLS tests need the openssl command (Debian's openssl package): \(error)")
    }
    let output = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw CertificateError(
        "openssl \(arguments.joined(separator: " ")) failed: \(String(decoding: output, as: UTF8.self))")
    }
  }
}

struct CertificateError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
