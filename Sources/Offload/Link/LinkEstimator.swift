/// Live link estimation from the device's own offload traffic and light probes (`TransferSample`s
/// either way): RTT, uplink and downlink rates for the planner, adapting when the link changes.
///
/// The model is link time = RTT + up bytes / uplink + down bytes / downlink. The requests of one
/// cut all have about the same size, so their times alone cannot tell the RTT from the uplink
/// rate: the RTT comes from small exchanges (pings: at most `pingBytes` both ways together), and
/// every larger exchange is attributed to its dominant transfer term with the other two taken at
/// their current estimates (a coordinate-wise fit):
/// - ping: RTT = link time - up/Bup - down/Bdown;
/// - upload-dominated (up/Bup >= down/Bdown at the prior's rates, the offload requests): 1/Bup = (link time - RTT -
///   down/Bdown) / up bytes;
/// - download-dominated (download probes): 1/Bdown likewise.
/// Each of the three is a `RobustAverage` (EWMA behind a median/MAD gate on logs, with change
/// detection), so 10x spikes are rejected and a step in the link is followed after
/// `changeRun` (3) consecutive samples of the component concerned. A detected RTT change
/// restarts both rates' warm-up, since their observations were derived with the old RTT.
///
/// Adaptation bound (what the tests assert): with offload requests at 10 per second, pings every
/// 0.5 s and a download probe every second, after a step between the Neurosurgeon LTE and 3G
/// profiles, either way, with the emulator's jitter and 5% of samples 10x spikes, every
/// component is within 10% of the new link's figures 8 s after the step. The downlink
/// is the slow one (3 probes to register a change), and until it has caught up the uplink is off
/// too, since each offload sample's small reply is priced at the stale downlink rate (a joint
/// least-squares fit over a window of raw samples would remove that coupling; not done yet). The
/// RTT (jitter of +-10 ms each way on LTE's 70 ms) needs about 10 pings for 10%. Driven by
/// `ProbeScheduler`, whose burst after a change sends pings every 0.25 s and download probes
/// every 0.5 s until the downlink has re-settled, every component is within 10% 5 s after such a
/// step (tested too).
/// A component that gets no samples (no download probes, say) keeps its last value.
public struct LinkEstimator: Sendable {
  public struct Configuration: Sendable, Hashable {
    /// Up plus down bytes at or under which an exchange is a ping (an RTT observation).
    public var pingBytes: Int
    public var average: RobustAverage.Configuration

    public init(pingBytes: Int = 1024, average: RobustAverage.Configuration = .init()) {
      self.pingBytes = pingBytes
      self.average = average
    }
  }

  public let configuration: Configuration
  /// What is assumed before any observation: the configured link profile's estimate.
  public let prior: LinkEstimate
  private var roundTrip: RobustAverage
  /// Seconds per byte, up and down.
  private var uplink: RobustAverage
  private var downlink: RobustAverage
  /// Samples refused as malformed (negative or non-finite figures).
  public private(set) var invalidSamples = 0
  /// Payload samples left out because the current RTT estimate left no time for their transfer.
  public private(set) var unattributedSamples = 0

  public init(prior: LinkEstimate, configuration: Configuration = Configuration()) {
    self.prior = prior
    self.configuration = configuration
    roundTrip = RobustAverage(configuration: configuration.average)
    uplink = RobustAverage(configuration: configuration.average)
    downlink = RobustAverage(configuration: configuration.average)
  }

  /// The smallest link time or seconds per byte an observation is taken to be: a loopback link
  /// can measure 0, whose logarithm the gate cannot use.
  static let floorSeconds = 1e-7
  static let floorSecondsPerByte = 1e-13

  /// Takes one exchange (an offload round trip or a probe). Returns what it did to the component
  /// it was attributed to, or nil when the sample is malformed or was left out (see
  /// `unattributedSamples`).
  @discardableResult
  public mutating func add(_ sample: TransferSample) -> RobustAverage.Outcome? {
    guard sample.bytesUp >= 0, sample.bytesDown >= 0, sample.roundTripSeconds.isFinite,
      sample.serverSeconds.isFinite, sample.roundTripSeconds >= 0, sample.serverSeconds >= 0,
      sample.sentAt.isFinite
    else {
      invalidSamples += 1
      return nil
    }
    let current = estimate.estimate
    let link = sample.linkSeconds
    let upSeconds = current.uploadSeconds(sample.bytesUp)
    let downSeconds = current.downloadSeconds(sample.bytesDown)
    if sample.bytesUp + sample.bytesDown <= configuration.pingBytes {
      let outcome = roundTrip.add(max(Self.floorSeconds, link - upSeconds - downSeconds), at: sample.sentAt)
      if outcome == .changed {
        // Every rate observation so far was derived with the old RTT: forget their average.
        uplink.restartWarmUp()
        downlink.restartWarmUp()
      }
      return outcome
    }
    // Which transfer dominates is judged at the prior's rates: judged at the current estimate, a
    // component driven to a wrong extreme could stop receiving the samples that would correct it.
    let uplinkDominates = prior.uploadSeconds(sample.bytesUp) >= prior.downloadSeconds(sample.bytesDown)
    let bytes = uplinkDominates ? sample.bytesUp : sample.bytesDown
    let transfer = link - current.roundTripSeconds - (uplinkDominates ? downSeconds : upSeconds)
    // No time left for the transfer means the RTT estimate is stale (the link just got faster):
    // the sample says nothing about the rate until the pings catch up.
    guard bytes > 0, transfer > 0 else {
      unattributedSamples += 1
      return nil
    }
    let perByte = max(Self.floorSecondsPerByte, transfer / Double(bytes))
    return uplinkDominates ? uplink.add(perByte, at: sample.sentAt) : downlink.add(perByte, at: sample.sentAt)
  }

  /// The current estimate and its backing.
  public var estimate: LiveLinkEstimate {
    let changes = [roundTrip.lastChangeAt, uplink.lastChangeAt, downlink.lastChangeAt].compactMap { $0 }
    return LiveLinkEstimate(
      estimate: LinkEstimate(
        uplinkBitsPerSecond: uplink.value.map { 8 / $0 } ?? prior.uplinkBitsPerSecond,
        downlinkBitsPerSecond: downlink.value.map { 8 / $0 } ?? prior.downlinkBitsPerSecond,
        roundTripSeconds: roundTrip.value ?? prior.roundTripSeconds),
      roundTripSamples: roundTrip.acceptedCount, uplinkSamples: uplink.acceptedCount,
      downlinkSamples: downlink.acceptedCount, lastChangeAt: changes.max(),
      roundTripUpdatedAt: roundTrip.lastAcceptedAt, uplinkUpdatedAt: uplink.lastAcceptedAt,
      downlinkUpdatedAt: downlink.lastAcceptedAt)
  }

  /// Outliers rejected so far, all components together.
  public var rejectedSamples: Int {
    roundTrip.rejectedCount + uplink.rejectedCount + downlink.rejectedCount
  }
}
