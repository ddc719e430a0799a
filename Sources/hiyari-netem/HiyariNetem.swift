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
      line per step and replaces the profile's uplink rate from that time on. On cue: SIGUSR1 cuts \
      the link (every connection reset, new ones refused) or, when cut, restores it; SIGUSR2 stalls \
      it for --stall-seconds.
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

  @Option(help: "How long SIGUSR2 stalls the link, seconds.")
  var stallSeconds: Double = 1

  @Option(
    help:
      "Run the profile's time this many times slower: rates divided, delay and jitter multiplied (hiyari bench-split's time dilation)."
  )
  var timeScale: Double = 1

  @Flag(
    help:
      "Stop when standard input reaches end of file (a parent holding the other end of a pipe died or closed it)."
  )
  var stopOnStdinEof = false

  func validate() throws {
    guard timeScale.isFinite, timeScale >= 1, timeScale <= 100 else {
      throw ValidationError("--time-scale must be in 1...100")
    }
    if timeScale != 1, trace != nil || downlinkTrace != nil {
      throw ValidationError("--time-scale does not apply to traces: give one or the other")
    }
  }

  func run() throws {
    guard let named = LinkProfile.named(profile) else {
      throw ValidationError(
        "unknown profile \"\(profile)\"; known: \(LinkProfile.all.map(\.name).joined(separator: ", "))")
    }
    let link = named.dilated(by: timeScale)
    let listenAddress = try SocketAddress(parsing: listen)
    let targetAddress = try SocketAddress(parsing: target)
    let uplinkTrace = try trace.map { try ThroughputTrace(csv: readText($0)) }
    let downTrace = try downlinkTrace.map { try ThroughputTrace(csv: readText($0)) }

    // The runtime has threads of its own that do not block signals, so `sigwait` would miss
    // some: a handler writes the signal's number to a pipe, and this thread reads it.
    var pipeFDs: [Int32] = [0, 0]
    guard pipe(&pipeFDs) == 0 else { throw ValidationError("pipe failed: errno \(errno)") }
    SignalPipe.writeFD = pipeFDs[1]
    for number in [SIGINT, SIGTERM, SIGUSR1, SIGUSR2] {
      signal(number) { number in
        var byte = UInt8(truncatingIfNeeded: number)
        _ = write(SignalPipe.writeFD, &byte, 1)
      }
    }
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
      "relaying \(relay.address) -> \(targetAddress) as \(link.name): up \(estimate.uplinkBitsPerSecond / 1e6) Mbit/s, down \(estimate.downlinkBitsPerSecond / 1e6) Mbit/s, RTT \(estimate.roundTripSeconds * 1000) ms, jitter \(link.jitterSeconds * 1000) ms\(uplinkTrace == nil ? "" : ", uplink from the trace")\(downTrace == nil ? "" : ", downlink from the trace")"
    )
    fflush(nil)
    var isCut = false
    var byte: UInt8 = 0
    var watched = [pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)]
    if stopOnStdinEof { watched.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
    while true {
      let ready = poll(&watched, nfds_t(watched.count), -1)
      if ready < 0 && errno == EINTR { continue }
      guard ready > 0 else { break }
      if watched.count > 1, watched[1].revents != 0 {
        var discard = [UInt8](repeating: 0, count: 512)
        let count = discard.withUnsafeMutableBytes { read(0, $0.baseAddress, $0.count) }
        if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) {
          print("standard input closed")
          break
        }
      }
      guard watched[0].revents != 0 else { continue }
      let count = read(pipeFDs[0], &byte, 1)
      if count < 0 && errno == EINTR { continue }
      guard count == 1 else { break }
      let received = Int32(byte)
      if received == SIGUSR1 {
        isCut ? relay.restore() : relay.cut()
        isCut.toggle()
        print(isCut ? "link cut" : "link restored")
      } else if received == SIGUSR2 {
        relay.stall(seconds: stallSeconds)
        print("link stalled for \(stallSeconds) s")
      } else {
        break
      }
      fflush(nil)
    }
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
