import ArgumentParser
import LinkEmulation
import Offload

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-netem`: the link emulator as a command, between a device and a server. Runs until
/// SIGINT or SIGTERM, printing one line per connection and a summary.
@main
struct HiyariNetem: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari-netem",
    abstract: "Relay TCP through an emulated link (rate, delay, jitter) from a named link profile.",
    discussion: """
      Profiles: \(LinkProfile.all.map(\.name).joined(separator: ", ")) (aliases 3g, lte, wifi). \
      The uplink rate applies from the listening side to the target, the downlink rate back; each \
      way is delayed by half the RTT plus jitter. A trace file has one "seconds,bits_per_second" \
      line per step and replaces the profile's uplink rate from that time on.
      """)

  @Option(help: "Where to listen, IPv4:port.")
  var listen: String

  @Option(help: "Where to relay to, IPv4:port.")
  var target: String

  @Option(help: "A named link profile.")
  var profile: String

  @Option(help: "A throughput trace (CSV: seconds,bits_per_second) for the uplink.")
  var trace: String?

  @Option(help: "A throughput trace for the downlink.")
  var downlinkTrace: String?

  @Option(help: "The jitter seed.")
  var seed: UInt64 = 1

  func run() throws {
    guard let link = LinkProfile.named(profile) else {
      throw ValidationError(
        "unknown profile \"\(profile)\"; known: \(LinkProfile.all.map(\.name).joined(separator: ", "))")
    }
    let listenAddress = try SocketAddress(parsing: listen)
    let targetAddress = try SocketAddress(parsing: target)
    let uplinkTrace = try trace.map { try ThroughputTrace(csv: readText($0)) }
    let downTrace = try downlinkTrace.map { try ThroughputTrace(csv: readText($0)) }

    // Block the signals before the relay's thread starts (it inherits the mask), so that only
    // `sigwait` below sees them.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &signals, nil)
    signal(SIGPIPE, SIG_IGN)

    let relay = try LinkRelay(
      listen: listenAddress, target: targetAddress, profile: link, uplinkTrace: uplinkTrace,
      downlinkTrace: downTrace, seed: seed,
      log: { line in
        print(line)
        fflush(nil)
      })
    let estimate = link.estimate
    print(
      "relaying \(relay.address) -> \(targetAddress) as \(link.name): up \(estimate.uplinkBitsPerSecond / 1e6) Mbit/s, down \(estimate.downlinkBitsPerSecond / 1e6) Mbit/s, RTT \(estimate.roundTripSeconds * 1000) ms, jitter \(link.jitterSeconds * 1000) ms"
    )
    fflush(nil)
    var received: Int32 = 0
    sigwait(&signals, &received)
    relay.stop()
    let stats = relay.statistics
    print(
      "summary: \(stats.connections) connections (\(stats.refused) refused while cut, \(stats.targetFailures) target failures), up \(stats.uplinkBytes) B, down \(stats.downlinkBytes) B"
    )
  }

  func readText(_ path: String) throws -> String {
    guard let file = fopen(path, "r") else {
      throw ValidationError("cannot open \(path): errno \(errno)")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, file) }
      if count == 0 { break }
      bytes += chunk[0..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
