/// Emulated links as `hiyari-netem` processes, one per link profile, each listening on a port of
/// 127.0.0.1 the kernel chooses (read back from the "relaying ADDRESS -> ..." line it prints).
public struct NetemProcesses: LinkEmulator {
  /// The `hiyari-netem` executable.
  public let executable: String
  /// How long a process may take to print that it is relaying.
  public var startSeconds = 15.0
  var processes: [ChildProcess] = []

  public init(executable: String) { self.executable = executable }

  public mutating func start(_ link: LinkProfile, timeScale: Double, target: String) throws -> Int {
    guard LinkProfile.named(link.name) != nil else {
      throw OffloadError("hiyari-netem knows only the named link profiles, not \(link.name)")
    }
    let process = try ChildProcess([
      executable, "--listen", "127.0.0.1:0", "--target", target, "--profile", link.name,
      "--time-scale", "\(timeScale)", "--stop-on-stdin-eof",
    ])
    let line = try process.waitForLine(startingWith: "relaying ", timeoutSeconds: startSeconds)
    guard let port = Self.port(ofRelayingLine: line) else {
      process.terminate()
      throw OffloadError("cannot read the port from hiyari-netem's line \"\(line)\"")
    }
    processes.append(process)
    return port
  }

  public mutating func stopAll() {
    for process in processes { process.terminate() }
    processes = []
  }

  /// The port of "relaying 127.0.0.1:PORT -> TARGET as ...".
  static func port(ofRelayingLine line: String) -> Int? {
    let words = line.split(separator: " ")
    guard words.count >= 3, words[0] == "relaying", words[2] == "->" else { return nil }
    let address = words[1]
    guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
      (1...65535).contains(port)
    else { return nil }
    return port
  }
}
