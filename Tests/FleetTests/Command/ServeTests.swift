import Engine
import Offload
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-fleet serve` as a process: start it on port 0 with a bundle, read the port it
/// prints, get a tail served, stop it with SIGTERM and expect exit status 0.
@Suite struct ServeTests {
  /// The built `hiyari-fleet`, next to this test bundle (`swift test` builds every product).
  static func executable() throws -> String {
    var path = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &path, path.count - 1)
    guard count > 0 else { throw OffloadError("cannot read /proc/self/exe") }
    var folder = String(decoding: path[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    while !folder.isEmpty, folder.removeLast() != "/" {}
    // The test binary sits in PackageTests.xctest (a file on Linux) in the build folder.
    let candidate = "\(folder)/hiyari-fleet"
    guard access(candidate, X_OK) == 0 else {
      throw OffloadError(
        "hiyari-fleet is not built at \(candidate): run `swift build --product hiyari-fleet` first")
    }
    return candidate
  }

  /// A temporary folder.
  static func temporaryFolder() throws -> String {
    var template = Array("/tmp/hiyari-fleet-test-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw OffloadError("mkdtemp failed: errno \(errno)") }
    return String(cString: made)
  }

  @Test func servesUntilSIGTERMAndExitsZero() throws {
    let folder = try Self.temporaryFolder()
    defer { _ = system("rm -rf '\(folder)'") }
    let graph = try TestModels.int8()
    let hash = try ModelBundle.write(graph, to: "\(folder)/int8")

    var output: [Int32] = [0, 0]
    #expect(pipe(&output) == 0)
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_adddup2(&actions, output[1], 1)
    posix_spawn_file_actions_addclose(&actions, output[0])
    let arguments = [
      try Self.executable(), "serve", "--listen", "127.0.0.1:0", "--model", "\(folder)/int8", "--threads",
      "2",
    ]
    var argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    #expect(posix_spawn(&pid, arguments[0], &actions, nil, &argv, environ) == 0)
    close(output[1])
    defer { close(output[0]) }

    // Whatever happens below, the server does not outlive the test.
    var reaped = false
    defer {
      if !reaped {
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
      }
    }

    // Read what it prints up to the end of the listening line (at most 64 KiB, 30 s per byte).
    var printed = ""
    var byte: UInt8 = 0
    var poller = pollfd(fd: output[0], events: Int16(POLLIN), revents: 0)
    while printed.utf8.count < 65536 {
      guard poll(&poller, 1, 30_000) == 1, read(output[0], &byte, 1) == 1 else { break }
      printed.append(Character(UnicodeScalar(byte)))
      if byte == UInt8(ascii: "\n"), printed.split(separator: "\n").last?.hasPrefix("listening on") == true {
        break
      }
    }
    #expect(printed.contains("model \(hash) nodes 4 \(folder)/int8"), "\(printed)")
    let line = printed.split(separator: "\n").first { $0.hasPrefix("listening on 127.0.0.1:") }
    let port = try #require(line.flatMap { Int($0.split(separator: ":").last ?? "") }, "printed: \(printed)")
    #expect(port > 0)

    let cut = Cut(crossing: ["q1"])
    let head = try CompiledModel.part(.head, of: graph, cut: cut)
    let crossing = try head.run(TestModels.input(seed: 7))
    let request = TailRequest(
      frameID: 7, modelHash: hash, cut: cut, budgetMicroseconds: 30_000_000,
      tensors: [("q1", crossing["q1"]!)])
    let connection = try RawConnection(port: port)
    try connection.send(try WireCodec.encode(.tailRequest(request)))
    let reply = try #require(try connection.readMessage())
    guard case .tailReply(let tail) = reply else {
      Issue.record("expected a tail reply, got \(reply)")
      return
    }
    #expect(
      TestModels.bytes(Dictionary(uniqueKeysWithValues: tail.outputs.map { ($0.name, $0.tensor) }))
        == (try TestModels.deviceOnly(graph, TestModels.input(seed: 7))))

    #expect(kill(pid, SIGTERM) == 0)
    var status: Int32 = 0
    #expect(waitpid(pid, &status, 0) == pid)
    reaped = true
    // Exited normally (low 7 bits 0) with status 0.
    #expect(status & 0x7F == 0, "killed by signal \(status & 0x7F)")
    #expect((status >> 8) & 0xFF == 0)
  }
}
