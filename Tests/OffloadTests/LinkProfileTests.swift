import Testing

@testable import Offload

@Suite struct LinkProfileTests {
  @Test func transferTimeIsBytesOverRate() {
    let link = LinkEstimate(uplinkBitsPerSecond: 8e6, downlinkBitsPerSecond: 16e6, roundTripSeconds: 0.05)
    #expect(link.uploadSeconds(1_000_000) == 1)
    #expect(link.downloadSeconds(1_000_000) == 0.5)
    #expect(link.uploadSeconds(0) == 0)
    let dead = LinkEstimate(uplinkBitsPerSecond: 0, downlinkBitsPerSecond: 0, roundTripSeconds: 0)
    #expect(dead.uploadSeconds(1) == .infinity)
    #expect(dead.uploadSeconds(0) == 0)
  }

  @Test func namedProfilesCarryTheIssuesNumbersAndSources() throws {
    let names = LinkProfile.all.map(\.name)
    #expect(Set(names).count == names.count)
    #expect(try #require(LinkProfile.named("3g")).estimate.uplinkBitsPerSecond == 1.1e6)
    #expect(try #require(LinkProfile.named("lte")).estimate.uplinkBitsPerSecond == 5.85e6)
    #expect(try #require(LinkProfile.named("wifi")).estimate.uplinkBitsPerSecond == 18.88e6)
    let wpt3g = try #require(LinkProfile.named("wpt-3g")).estimate
    #expect(
      wpt3g == LinkEstimate(uplinkBitsPerSecond: 768_000, downlinkBitsPerSecond: 1.6e6, roundTripSeconds: 0.3)
    )
    let floor = try #require(LinkProfile.named("5g-floor")).estimate
    #expect(floor.uplinkBitsPerSecond == 50e6 && floor.downlinkBitsPerSecond == 100e6)
    let edge = try #require(LinkProfile.named("lte-cell-edge"))
    #expect(edge.loss > 0)
    // Loss limits the rate below the nominal 1 Mbit/s (Mathis: about 0.84 Mbit/s).
    #expect(edge.estimate.uplinkBitsPerSecond < 1e6 && edge.estimate.uplinkBitsPerSecond > 0.8e6)
    #expect(LinkProfile.all.allSatisfy { !$0.source.isEmpty })
    #expect(LinkProfile.named("carrier-pigeon") == nil)
  }

  @Test func dilatingALinkSlowsItsRatesAndStretchesItsDelays() throws {
    let lte = try #require(LinkProfile.named("wpt-lte"))
    #expect(lte.dilated(by: 1) == lte)
    let slow = lte.dilated(by: 4)
    #expect(slow.name == lte.name && slow.loss == lte.loss)
    #expect(slow.estimate.uplinkBitsPerSecond == lte.estimate.uplinkBitsPerSecond / 4)
    #expect(slow.estimate.downlinkBitsPerSecond == lte.estimate.downlinkBitsPerSecond / 4)
    #expect(slow.estimate.roundTripSeconds == lte.estimate.roundTripSeconds * 4)
    #expect(slow.jitterSeconds == lte.jitterSeconds * 4)
    // A transfer takes 4x as long in every part: dividing by 4 gives the real link's time.
    let bytes = 100_000
    let real = lte.estimate.uploadSeconds(bytes) + lte.estimate.roundTripSeconds
    let dilated = slow.estimate.uploadSeconds(bytes) + slow.estimate.roundTripSeconds
    #expect(abs(dilated / 4 - real) < 1e-12)
  }
}
