/// When to send a light active probe, and how big, so the `LinkEstimator` stays current at a
/// bounded cost. Offload traffic already measures the uplink; what it cannot measure is the RTT
/// (its requests are all one size) and the downlink (its replies are small), and nothing is
/// measured while the device does not offload.
///
/// Policy, checked each time `next` is asked (call it every 50-100 ms, and send what it returns):
/// - Ping (RTT): every `activePingInterval` while offloading, `idlePingInterval` when idle (no
///   sample for `idleAfter`), `burstPingInterval` for `burstSeconds` after the estimator detected
///   a change.
/// - Payload probes: a download probe when the downlink's last observation is older than
///   `payloadInterval`, or during a burst every `burstPayloadInterval` until the downlink has
///   `burstSamples` observations since its last change (what the estimator needs to re-settle
///   on a new link); an upload probe likewise, but
///   only when idle, since offload requests measure the uplink. A payload is sized to take about
///   `transferRoundTrips` RTTs (at least `minimumTransferSeconds`) at the current rate estimate,
///   so its transfer time stands out of the RTT's jitter, within `minimumPayloadBytes` ...
///   `maximumPayloadBytes`.
/// - Budget: a token bucket of `budgetBytesPerSecond` with `budgetBurstBytes` of depth; a probe
///   the bucket cannot pay for waits (pings too, though they are tiny). Over any span T the
///   probes cost at most budgetBurstBytes + T * budgetBytesPerSecond bytes.
public struct ProbeScheduler: Sendable {
  public struct Configuration: Sendable, Hashable {
    public var idleAfter = 1.0
    public var idlePingInterval = 1.0
    public var activePingInterval = 0.5
    public var burstPingInterval = 0.25
    public var burstSeconds = 5.0
    public var payloadInterval = 10.0
    public var burstPayloadInterval = 0.5
    public var burstSamples = 3
    public var pingBytes = 64
    public var transferRoundTrips = 2.0
    public var minimumTransferSeconds = 0.1
    public var minimumPayloadBytes = 4096
    public var maximumPayloadBytes = 262_144
    public var budgetBytesPerSecond = 32_000.0
    public var budgetBurstBytes = 1_048_576.0

    public init() {}
  }

  public let configuration: Configuration
  private var tokens: Double
  private var tokensAt: Double?
  private var lastPing: Double?
  private var lastUpload: Double?
  private var lastDownload: Double?
  /// Bytes of every probe handed out so far.
  public private(set) var spentBytes = 0

  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
    tokens = configuration.budgetBurstBytes
  }

  /// The probe to send now, if any (at most one per call; the caller sends it and feeds its
  /// round trip to the estimator). `lastTrafficAt` is when the last offload request was sent
  /// (nil if none yet).
  public mutating func next(now: Double, link: LiveLinkEstimate, lastTrafficAt: Double?) -> ProbeRequest? {
    refill(now)
    let c = configuration
    let idle = lastTrafficAt.map { now - $0 >= c.idleAfter } ?? true
    let burst = link.lastChangeAt.map { now - $0 < c.burstSeconds } ?? false
    let pingInterval = burst ? c.burstPingInterval : idle ? c.idlePingInterval : c.activePingInterval
    if due(lastPing, pingInterval, now) {
      let ping = ProbeRequest(kind: .ping, bytesUp: c.pingBytes, bytesDown: c.pingBytes)
      if pay(ping) {
        lastPing = now
        return ping
      }
      return nil
    }
    func interval(_ samples: Int) -> Double {
      burst && samples < c.burstSamples ? c.burstPayloadInterval : c.payloadInterval
    }
    let estimate = link.estimate
    if due(latest(lastDownload, link.downlinkUpdatedAt), interval(link.downlinkSamples), now) {
      let probe = ProbeRequest(
        kind: .download, bytesUp: c.pingBytes,
        bytesDown: payloadBytes(estimate.downlinkBitsPerSecond, estimate))
      if pay(probe) {
        lastDownload = now
        return probe
      }
      return nil
    }
    if idle, due(latest(lastUpload, link.uplinkUpdatedAt), interval(link.uplinkSamples), now) {
      let probe = ProbeRequest(
        kind: .upload, bytesUp: payloadBytes(estimate.uplinkBitsPerSecond, estimate), bytesDown: c.pingBytes)
      if pay(probe) {
        lastUpload = now
        return probe
      }
    }
    return nil
  }

  /// Bytes that take about `transferRoundTrips` RTTs at `bitsPerSecond`.
  func payloadBytes(_ bitsPerSecond: Double, _ estimate: LinkEstimate) -> Int {
    let c = configuration
    let seconds = max(c.minimumTransferSeconds, c.transferRoundTrips * estimate.roundTripSeconds)
    let bytes = bitsPerSecond.isFinite ? seconds * bitsPerSecond / 8 : Double(c.maximumPayloadBytes)
    return Int(min(Double(c.maximumPayloadBytes), max(Double(c.minimumPayloadBytes), bytes)))
  }

  private func due(_ last: Double?, _ interval: Double, _ now: Double) -> Bool {
    last.map { now - $0 >= interval } ?? true
  }

  private func latest(_ a: Double?, _ b: Double?) -> Double? {
    switch (a, b) {
    case (let a?, let b?): max(a, b)
    default: a ?? b
    }
  }

  private mutating func refill(_ now: Double) {
    if let tokensAt, now > tokensAt {
      tokens = min(
        configuration.budgetBurstBytes, tokens + (now - tokensAt) * configuration.budgetBytesPerSecond)
    }
    tokensAt = max(tokensAt ?? now, now)
  }

  private mutating func pay(_ probe: ProbeRequest) -> Bool {
    guard tokens >= Double(probe.bytes) else { return false }
    tokens -= Double(probe.bytes)
    spentBytes += probe.bytes
    return true
  }
}
