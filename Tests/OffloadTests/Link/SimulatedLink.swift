import Offload

/// Transfer samples from known link parameters: each direction delayed by half the RTT plus
/// uniform jitter in [-jitter, +jitter] (as the link emulator does), bytes paced at the rates,
/// a random server time (subtracted exactly, as the server reports it), and an optional share of
/// spikes: samples whose link time is multiplied by `spikeFactor`.
struct SimulatedLink {
  var link: LinkEstimate
  var jitterSeconds: Double
  var spikeProbability = 0.0
  var spikeFactor = 10.0
  var random: RandomProblems

  init(_ profile: LinkProfile, seed: UInt64, spikeProbability: Double = 0) {
    link = profile.estimate
    jitterSeconds = profile.jitterSeconds
    self.spikeProbability = spikeProbability
    random = RandomProblems(seed: seed)
  }

  mutating func sample(up: Int, down: Int, at time: Double) -> TransferSample {
    let oneWay = link.roundTripSeconds / 2
    var linkSeconds =
      2 * oneWay + random.double(-jitterSeconds, jitterSeconds) + random.double(-jitterSeconds, jitterSeconds)
      + link.uploadSeconds(up) + link.downloadSeconds(down)
    if random.double(0, 1) < spikeProbability { linkSeconds *= spikeFactor }
    let server = random.double(0.001, 0.02)
    return TransferSample(
      bytesUp: up, bytesDown: down, roundTripSeconds: linkSeconds + server, serverSeconds: server,
      sentAt: time)
  }
}

/// Whether every component of `estimate` is within `tolerance` (relative) of `truth`.
func within(_ estimate: LinkEstimate, _ truth: LinkEstimate, _ tolerance: Double) -> Bool {
  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= tolerance * b }
  return close(estimate.roundTripSeconds, truth.roundTripSeconds)
    && close(estimate.uplinkBitsPerSecond, truth.uplinkBitsPerSecond)
    && close(estimate.downlinkBitsPerSecond, truth.downlinkBitsPerSecond)
}
