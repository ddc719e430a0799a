import LinkEmulation
import Offload
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Stalls, cuts, traces and jitter through the relay, on real loopback sockets.
@Suite struct LinkControlTests {
  static func profile(
    up: Double = 2e6, down: Double = 2e6, rtt: Double = 0.1, jitter: Double = 0
  ) -> LinkProfile {
    LinkProfile(
      name: "test",
      estimate: LinkEstimate(uplinkBitsPerSecond: up, downlinkBitsPerSecond: down, roundTripSeconds: rtt),
      jitterSeconds: jitter, loss: 0, source: "test")
  }

  /// One-byte round trip on an open connection, in seconds.
  static func ping(_ fd: Int32) throws -> Double {
    let start = Seconds.now()
    TestSocket.writeAll(fd, [0x5A])
    try #require(TestSocket.readExactly(fd, 1) == [0x5A])
    return Seconds.now() - start
  }

  @Test func stallDelaysDeliveryByTheStallTime() throws {
    let server = LoopbackServer(.echo)
    let relay = try server.relay(Self.profile())
    defer {
      relay.stop()
      server.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    let before = try Self.ping(fd)
    relay.stall(seconds: 0.8)
    let stalled = try Self.ping(fd)
    let after = try Self.ping(fd)
    print("stall 0.8 s: RTT before \(before), during \(stalled), after \(after)")
    #expect(abs(stalled - (0.8 + 0.1)) < 0.08)
    #expect(abs(after - 0.1) < 0.03)
  }

  @Test func cutResetsBothSidesAndRefusesUntilRestored() throws {
    let server = LoopbackServer(.sink)
    let echo = LoopbackServer(.echo)
    let relay = try server.relay(Self.profile(up: 1e6))
    defer {
      relay.stop()
      server.stop()
      echo.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    // More than the relay and both kernels buffer, so the writer is mid-transfer at the cut.
    let writer = TestThread { TestSocket.writeAll(fd, TestData.pattern(8 << 20)) }
    try #require(server.waitFor(0, bytes: 20_000, timeout: 5)?.bytes ?? 0 >= 20_000)
    let cutAt = Seconds.now()
    relay.cut()
    // The server sees its connection end (a reset) ...
    let record = try #require(server.waitFor(0, ended: true, timeout: 5))
    let ended = try #require(record.ended)
    #expect(ended - cutAt < 1)
    #expect(record.bytes < 8 << 20)
    // ... and the device's writer fails instead of blocking forever.
    writer.join()
    #expect(Seconds.now() - cutAt < 5)
    var byte: UInt8 = 0
    #expect(recv(fd, &byte, 1, 0) <= 0)

    // While cut, a new connection is accepted and reset at once.
    let refused = TestSocket.connect(port: relay.address.port)
    let start = Seconds.now()
    #expect(recv(refused, &byte, 1, 0) <= 0)
    #expect(Seconds.now() - start < 2)
    close(refused)
    #expect(relay.statistics.refused == 1)
    #expect(relay.statistics.cutConnections == 1)

    relay.restore()
    let fresh = TestSocket.connect(port: relay.address.port)
    defer { close(fresh) }
    TestSocket.writeAll(fresh, [1, 2, 3])
    #expect(server.waitFor(1, bytes: 3, timeout: 5)?.bytes == 3)
  }

  @Test func bytesArriveUnchangedAndInOrderUnderJitter() throws {
    // Jitter (±15 ms) far above the gap between segments (0.6 ms at 20 Mbit/s): independent
    // delays would reorder almost every segment.
    let server = LoopbackServer(.echo)
    let relay = try server.relay(Self.profile(up: 20e6, down: 20e6, rtt: 0.02, jitter: 0.015))
    defer {
      relay.stop()
      server.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    let payload = TestData.pattern(1 << 20, seed: 3)
    let writer = TestThread { TestSocket.writeAll(fd, payload) }
    let echoed = TestSocket.readExactly(fd, payload.count)
    writer.join()
    #expect(echoed == payload)
  }

  @Test func traceReplacesTheRateAndAZeroStepHoldsData() throws {
    // An outage for the first 0.6 s, then 1 Mbit/s, on a profile whose own rate is 8 Mbit/s.
    let trace = ThroughputTrace(steps: [
      .init(seconds: 0, bitsPerSecond: 0), .init(seconds: 0.6, bitsPerSecond: 1e6),
    ])
    let server = LoopbackServer(.sink)
    let relay = try server.relay(Self.profile(up: 8e6, rtt: 0.02), trace: trace)
    defer {
      relay.stop()
      server.stop()
    }
    let started = Seconds.now()
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    let bytes = 100_000
    TestSocket.writeAll(fd, TestData.pattern(bytes))
    let record = try #require(server.waitFor(0, bytes: bytes))
    let first = try #require(record.firstArrival)
    let last = try #require(record.lastArrival)
    let rate = Double(bytes - record.firstChunk) * 8 / (last - first)
    print("trace: first byte after \(first - started) s, rate \(rate / 1e6) Mbit/s")
    #expect(first - started >= 0.6)
    #expect(abs(rate - 1e6) < 0.1e6)
  }

  @Test func restartTracesReplaysTheTraceFromNowOnAnOpenConnection() throws {
    // The 0.6 s outage is long over when the trace restarts, and the connection is already open:
    // the restart must bring the outage back for it.
    let trace = ThroughputTrace(steps: [
      .init(seconds: 0, bitsPerSecond: 0), .init(seconds: 0.6, bitsPerSecond: 1e6),
    ])
    let server = LoopbackServer(.sink)
    let relay = try server.relay(Self.profile(up: 8e6, rtt: 0.02), trace: trace)
    defer {
      relay.stop()
      server.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    usleep(900_000)
    let restarted = Seconds.now()
    relay.restartTraces()
    let bytes = 20_000
    TestSocket.writeAll(fd, TestData.pattern(bytes))
    let record = try #require(server.waitFor(0, bytes: bytes))
    let first = try #require(record.firstArrival)
    #expect(first - restarted >= 0.6, "first byte \(first - restarted) s after the restart")
  }

  /// A held relay at 8 Mbit/s up with `trace`, a sink behind it, and a connection through it.
  static func withHeldRelay(
    _ trace: ThroughputTrace, _ body: (LinkRelay, LoopbackServer, Int32) throws -> Void
  ) throws {
    let server = LoopbackServer(.sink)
    let relay = try server.relay(Self.profile(up: 8e6, rtt: 0.02), trace: trace, holdingTraces: true)
    defer {
      relay.stop()
      server.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    try body(relay, server, fd)
  }

  @Test func aHeldTraceRunsAtTheProfilesRateUntilRestarted() throws {
    // The trace is an outage from its start; held, the profile's 8 Mbit/s applies, so data
    // flows at once, until the restart brings the outage.
    let trace = ThroughputTrace(steps: [
      .init(seconds: 0, bitsPerSecond: 0), .init(seconds: 0.6, bitsPerSecond: 1e6),
    ])
    try Self.withHeldRelay(trace) { relay, server, fd in
      let started = Seconds.now()
      TestSocket.writeAll(fd, TestData.pattern(20_000))
      let held = try #require(server.waitFor(0, bytes: 20_000))
      #expect(try #require(held.firstArrival) - started < 0.3, "held: the profile's rate, no outage")
      relay.restartTraces()
      let restarted = Seconds.now()
      TestSocket.writeAll(fd, TestData.pattern(20_000))
      let after = try #require(server.waitFor(0, bytes: 40_000))
      #expect(try #require(after.lastArrival) - restarted >= 0.6, "the outage runs from the restart")
    }
  }

  @Test func restartingPartWayIntoATraceJumpsToThatPoint() throws {
    // Held at the profile's 8 Mbit/s; then restarted 100 s into a trace whose step to a 0.6 s
    // outage comes at 100 s: the outage starts at once.
    let trace = ThroughputTrace(steps: [
      .init(seconds: 0, bitsPerSecond: 8e6), .init(seconds: 100, bitsPerSecond: 0),
      .init(seconds: 100.6, bitsPerSecond: 8e6),
    ])
    try Self.withHeldRelay(trace) { relay, server, fd in
      relay.restartTraces(from: 100)
      let restarted = Seconds.now()
      TestSocket.writeAll(fd, TestData.pattern(20_000))
      let record = try #require(server.waitFor(0, bytes: 20_000))
      let first = try #require(record.firstArrival)
      #expect(first - restarted >= 0.5, "first byte \(first - restarted) s after the jump")
      #expect(first - restarted < 3, "the trace went on past its outage")
    }
  }

  @Test func anUnreachableTargetResetsTheDevicesConnection() throws {
    // A port that was free a moment ago: nothing listens there.
    let (probe, port) = TestSocket.listen()
    close(probe)
    let relay = try LinkRelay(
      listen: SocketAddress(parsing: "127.0.0.1:0"), target: SocketAddress(parsing: "127.0.0.1:\(port)"),
      profile: Self.profile())
    defer { relay.stop() }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    var byte: UInt8 = 0
    let start = Seconds.now()
    #expect(recv(fd, &byte, 1, 0) <= 0)
    #expect(Seconds.now() - start < 2)
    #expect(relay.statistics.targetFailures == 1)
  }

  @Test func traceParsesCSVAndReportsBadLines() throws {
    let trace = try ThroughputTrace(csv: "seconds,bps\n# a comment\n0, 1000000\n\n2.5,500000\n1,0\n")
    #expect(trace.steps.map(\.seconds) == [0, 1, 2.5])
    #expect(trace.bitsPerSecond(at: 0.5) == 1e6)
    #expect(trace.bitsPerSecond(at: 1.5) == 0)
    #expect(trace.bitsPerSecond(at: 9) == 5e5)
    #expect(trace.nextChange(after: 1) == 2.5)
    #expect(trace.nextChange(after: 3) == nil)
    #expect(throws: LinkEmulationError.badTrace(line: 2, reason: "expected seconds,bits_per_second")) {
      try ThroughputTrace(csv: "0,1000\n5\n")
    }
    #expect(throws: LinkEmulationError.self) { try ThroughputTrace(csv: "0,1000\n1,-5\n") }
  }

  @Test func addressesParse() throws {
    #expect(try SocketAddress(parsing: "127.0.0.1:9000").description == "127.0.0.1:9000")
    #expect(try SocketAddress(parsing: "localhost:1").description == "127.0.0.1:1")
    #expect(throws: LinkEmulationError.badAddress("nohost")) { try SocketAddress(parsing: "nohost") }
    #expect(throws: LinkEmulationError.self) { try SocketAddress(parsing: "1.2.3:80") }
  }
}
