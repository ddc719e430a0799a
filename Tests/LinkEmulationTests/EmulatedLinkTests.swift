import LinkEmulation
import Offload
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// The acceptance check of the emulator itself: RTT and throughput measured through it
/// on loopback are within 10% of the profile. Profiles are chosen so each measurement takes
/// about a second: a scaled custom link, WebPageTest's LTE, and the cell-edge LTE (whose rates
/// already carry its loss through the Mathis bound).
@Suite struct EmulatedLinkTests {
  static let custom = LinkProfile(
    name: "test-2m-100ms",
    estimate: LinkEstimate(uplinkBitsPerSecond: 2e6, downlinkBitsPerSecond: 4e6, roundTripSeconds: 0.1),
    jitterSeconds: 0.005, loss: 0, source: "a scaled link for tests")

  /// WebPageTest's LTE in time dilated 2.5x, as `hiyari bench-split` runs it for a board faster
  /// than this machine: the relay must give the dilated RTT and rates as precisely.
  static let dilatedLTE: LinkProfile = {
    var profile = LinkProfile.named("wpt-lte")!.dilated(by: 2.5)
    profile.name = "wpt-lte@2.5"
    return profile
  }()

  static let profiles: [LinkProfile] = [
    custom, LinkProfile.named("wpt-lte")!, LinkProfile.named("lte-cell-edge")!, dilatedLTE,
  ]

  /// Median of 21 one-byte ping-pongs through the relay to an echo server.
  static func medianRTT(_ profile: LinkProfile) throws -> Double {
    let server = LoopbackServer(.echo)
    let relay = try server.relay(profile)
    defer {
      relay.stop()
      server.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    var samples: [Double] = []
    for index in 0..<21 {
      let start = Seconds.now()
      TestSocket.writeAll(fd, [UInt8(index)])
      let reply = TestSocket.readExactly(fd, 1)
      try #require(reply == [UInt8(index)])
      samples.append(Seconds.now() - start)
    }
    return Seconds.median(samples)
  }

  /// The rate at which `bytes` arrive at the far end, from the first arrival to the last (so the
  /// one-way delay and the connection set-up do not count).
  static func arrivalRate(_ profile: LinkProfile, bytes: Int, upload: Bool) throws -> Double {
    let server = LoopbackServer(upload ? .sink : .source(bytes))
    let relay = try server.relay(profile)
    defer {
      relay.stop()
      server.stop()
    }
    let fd = TestSocket.connect(port: relay.address.port)
    defer { close(fd) }
    if upload {
      TestSocket.writeAll(fd, TestData.pattern(bytes))
      let record = try #require(server.waitFor(0, bytes: bytes))
      try #require(record.bytes == bytes)
      let first = try #require(record.firstArrival)
      let last = try #require(record.lastArrival)
      return Double(bytes - record.firstChunk) * 8 / (last - first)
    }
    // Download: time the reads on this side.
    var received = 0
    var first = 0.0
    var firstChunk = 0
    var buffer = [UInt8](repeating: 0, count: 65536)
    while received < bytes {
      let got = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, 65536, 0) }
      try #require(got > 0)
      if received == 0 {
        first = Seconds.now()
        firstChunk = got
      }
      received += got
    }
    return Double(bytes - firstChunk) * 8 / (Seconds.now() - first)
  }

  @Test(arguments: profiles)
  func roundTripIsTheProfilesWithinTenPercent(profile: LinkProfile) throws {
    let rtt = try Self.medianRTT(profile)
    let expected = profile.estimate.roundTripSeconds
    print("\(profile.name): median RTT \(rtt * 1000) ms, profile \(expected * 1000) ms")
    #expect(abs(rtt - expected) <= 0.1 * expected, "\(profile.name): RTT \(rtt) s against \(expected) s")
  }

  @Test(arguments: profiles)
  func uploadRateIsTheProfilesWithinTenPercent(profile: LinkProfile) throws {
    let expected = profile.estimate.uplinkBitsPerSecond
    // About one second of data at the profile's rate.
    let rate = try Self.arrivalRate(profile, bytes: Int(expected / 8), upload: true)
    print("\(profile.name): upload \(rate / 1e6) Mbit/s, profile \(expected / 1e6) Mbit/s")
    #expect(abs(rate - expected) <= 0.1 * expected, "\(profile.name): \(rate) bit/s against \(expected)")
  }

  @Test func downloadRateIsTheProfilesWithinTenPercent() throws {
    let expected = Self.custom.estimate.downlinkBitsPerSecond
    let rate = try Self.arrivalRate(Self.custom, bytes: Int(expected / 8), upload: false)
    print("\(Self.custom.name): download \(rate / 1e6) Mbit/s, profile \(expected / 1e6) Mbit/s")
    #expect(abs(rate - expected) <= 0.1 * expected)
  }
}
