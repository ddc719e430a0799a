import Engine

/// A named link from the literature, with where its numbers come from. The planner uses
/// `estimate`; jitter and loss are kept for the link emulator and for the record.
public struct LinkProfile: Sendable, Hashable {
  /// The name `hiyari plan --link` takes.
  public var name: String
  /// The nominal uplink, downlink and RTT (for a lossy link, the uplink is already limited by
  /// loss: see `cellEdgeLTE`).
  public var estimate: LinkEstimate
  public var jitterSeconds: Double
  /// Packet loss probability, each direction.
  public var loss: Double
  /// Where each number comes from, and which ones Hiyari chose because the source gives none.
  public var source: String

  public init(name: String, estimate: LinkEstimate, jitterSeconds: Double, loss: Double, source: String) {
    self.name = name
    self.estimate = estimate
    self.jitterSeconds = jitterSeconds
    self.loss = loss
    self.source = source
  }

  static func mbps(_ value: Double) -> Double { value * 1_000_000 }

  /// Every named profile. Neurosurgeon gives only uplinks: for those the downlink and RTT are
  /// taken from WebPageTest's profile of the same technology (3G, LTE), and for Wi-Fi a symmetric
  /// rate and a 20 ms RTT (a home access point to a cloud region), so that the three differ in
  /// the uplink the paper varied.
  public static let all: [LinkProfile] = [
    LinkProfile(
      name: "neurosurgeon-3g",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: mbps(1.1), downlinkBitsPerSecond: mbps(1.6), roundTripSeconds: 0.3),
      jitterSeconds: 0.02, loss: 0,
      source:
        "uplink 1.1 Mbit/s: Kang et al., Neurosurgeon (ASPLOS 2017), sec. 5 wireless uplink rates; downlink and RTT chosen: WebPageTest 3G"
    ),
    LinkProfile(
      name: "neurosurgeon-lte",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: mbps(5.85), downlinkBitsPerSecond: mbps(12), roundTripSeconds: 0.07),
      jitterSeconds: 0.01, loss: 0,
      source:
        "uplink 5.85 Mbit/s: Kang et al., Neurosurgeon (ASPLOS 2017); downlink and RTT chosen: WebPageTest LTE"
    ),
    LinkProfile(
      name: "neurosurgeon-wifi",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: mbps(18.88), downlinkBitsPerSecond: mbps(18.88), roundTripSeconds: 0.02),
      jitterSeconds: 0.005, loss: 0,
      source:
        "uplink 18.88 Mbit/s: Kang et al., Neurosurgeon (ASPLOS 2017); downlink chosen equal (symmetric), RTT chosen 20 ms"
    ),
    LinkProfile(
      name: "wpt-3g",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: 768_000, downlinkBitsPerSecond: mbps(1.6), roundTripSeconds: 0.3),
      jitterSeconds: 0.02, loss: 0,
      source: "WebPageTest connectivity profile \"3G\": 1.6 Mbit/s down, 768 kbit/s up, 300 ms RTT"),
    LinkProfile(
      name: "wpt-lte",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: mbps(12), downlinkBitsPerSecond: mbps(12), roundTripSeconds: 0.07),
      jitterSeconds: 0.01, loss: 0,
      source: "WebPageTest connectivity profile \"LTE\": 12 Mbit/s down and up, 70 ms RTT"),
    LinkProfile(
      name: "5g-floor",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: mbps(50), downlinkBitsPerSecond: mbps(100), roundTripSeconds: 0.008),
      jitterSeconds: 0.002, loss: 0,
      source:
        "ITU-R M.2410-0 (2017) minimum requirements for IMT-2020, dense urban eMBB user experienced data rate: 100 Mbit/s down, 50 Mbit/s up; RTT chosen: twice the 4 ms eMBB user-plane latency (the radio floor, no core network)"
    ),
    cellEdgeLTE,
  ]

  /// LTE at the edge of a cell: no single published profile, so chosen: 1 Mbit/s up, 3 Mbit/s
  /// down, 120 ms RTT, 2% loss. Loss caps a TCP transfer near Mathis et al.'s bound
  /// MSS / RTT * 1.22 / sqrt(p) (1460-byte segments: 0.84 Mbit/s here), so the uplink the planner
  /// sees is the smaller of the two.
  public static let cellEdgeLTE: LinkProfile = {
    let rtt = 0.12
    let loss = 0.02
    let mathis = 1460 * 8 / rtt * 1.22 / loss.squareRoot()
    return LinkProfile(
      name: "lte-cell-edge",
      estimate: LinkEstimate(
        uplinkBitsPerSecond: min(mbps(1), mathis), downlinkBitsPerSecond: min(mbps(3), mathis),
        roundTripSeconds: rtt),
      jitterSeconds: 0.03, loss: loss,
      source:
        "chosen: 1 Mbit/s up, 3 Mbit/s down, 120 ms RTT, 2% loss, rates capped by the Mathis et al. TCP bound (CCR 1997)"
    )
  }()

  /// Short names for the common cases: the Neurosurgeon uplinks, which the offload literature
  /// compares against.
  public static let aliases = [
    "3g": "neurosurgeon-3g", "lte": "neurosurgeon-lte", "wifi": "neurosurgeon-wifi",
  ]

  /// This link with time running `scale` times slower: rates divided by `scale`, RTT and jitter
  /// multiplied by it, loss unchanged. `hiyari bench-split` emulates a board faster than this
  /// machine by dilating everything by the same factor (device, server and link) and dividing
  /// the measured latencies by it.
  public func dilated(by scale: Double) -> LinkProfile {
    guard scale != 1 else { return self }
    var profile = self
    profile.estimate = LinkEstimate(
      uplinkBitsPerSecond: estimate.uplinkBitsPerSecond / scale,
      downlinkBitsPerSecond: estimate.downlinkBitsPerSecond / scale,
      roundTripSeconds: estimate.roundTripSeconds * scale)
    profile.jitterSeconds = jitterSeconds * scale
    profile.source = source + " (time dilated \(DecimalText.fixed(scale, places: 3))x)"
    return profile
  }

  /// The profile called `name` (or an alias), or nil.
  public static func named(_ name: String) -> LinkProfile? {
    let resolved = aliases[name] ?? name
    return all.first { $0.name == resolved }
  }
}
