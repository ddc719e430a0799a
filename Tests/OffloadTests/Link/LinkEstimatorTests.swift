import Testing

@testable import Offload

@Suite struct LinkEstimatorTests {
  static let lte = LinkProfile.named("neurosurgeon-lte")!
  static let threeG = LinkProfile.named("neurosurgeon-3g")!

  /// Offload traffic as a detector head at a mid cut sends it: 60 KB up, 2 KB of outputs down,
  /// 10 per second; pings every 0.5 s; a 200 KB download probe every second (ProbeScheduler
  /// sizes one to about 2 RTTs of transfer: 210 KB on LTE).
  static let offloadUp = 60_000
  static let offloadDown = 2_000

  /// Feeds `seconds` of traffic on `link` starting at `start`, calling `check` after each sample.
  static func run(
    _ estimator: inout LinkEstimator, _ link: inout SimulatedLink, from start: Double, seconds: Double,
    check: (Double, LiveLinkEstimate) -> Void = { _, _ in }
  ) {
    var step = 0
    while Double(step) * 0.1 < seconds {
      let time = start + Double(step) * 0.1
      estimator.add(link.sample(up: offloadUp, down: offloadDown, at: time))
      if step % 5 == 2 { estimator.add(link.sample(up: 64, down: 64, at: time + 0.01)) }
      if step % 10 == 7 { estimator.add(link.sample(up: 64, down: 200_000, at: time + 0.02)) }
      check(time, estimator.estimate)
      step += 1
    }
  }

  @Test func steadyLinkIsEstimatedWithinTenPercentFromAWrongPrior() {
    for (profile, seed) in [(Self.lte, 1), (Self.threeG, 2), (LinkProfile.named("wpt-lte")!, 3)] {
      var estimator = LinkEstimator(prior: Self.threeG.estimate.scaled(by: 0.3))
      var link = SimulatedLink(profile, seed: UInt64(seed))
      var worst = 0.0
      Self.run(&estimator, &link, from: 0, seconds: 30) { time, live in
        if time >= 5 && !within(live.estimate, profile.estimate, 0.1) { worst = max(worst, time) }
      }
      #expect(
        worst == 0,
        "\(profile.name): outside 10% at \(worst) s: \(estimator.estimate.estimate) \(profile.estimate)")
      #expect(estimator.estimate.confidence() == 1)
      #expect(estimator.invalidSamples == 0)
    }
  }

  /// The bound documented on `LinkEstimator`: every component within 10% 8 s after the step.
  @Test func stepsBetweenLTEAnd3GAreFollowedWithinTheDocumentedBound() {
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    var link = SimulatedLink(Self.lte, seed: 7, spikeProbability: 0.05)
    var failures: [String] = []
    var start = 0.0
    for (index, profile) in [Self.lte, Self.threeG, Self.lte, Self.threeG, Self.lte].enumerated() {
      link.link = profile.estimate
      link.jitterSeconds = profile.jitterSeconds
      let stepAt = start
      var detected: Double?
      let truth = profile.estimate
      Self.run(&estimator, &link, from: start, seconds: 20) { time, live in
        if detected == nil, let change = live.lastChangeAt, change >= stepAt { detected = change }
        let estimate = live.estimate
        if time >= stepAt + 8 && !within(estimate, truth, 0.1) {
          failures.append("segment \(index) (\(profile.name)) at \(time) s: \(estimate)")
        }
      }
      if index > 0 {
        // Uplink samples see a step at once; a step to a shorter RTT waits for three pings (1.5 s).
        #expect(
          detected != nil && detected! < stepAt + 2,
          "step at \(stepAt) s detected at \(String(describing: detected))")
      }
      start += 20
    }
    #expect(failures.isEmpty, "\(failures.prefix(3))")
  }

  @Test func tenfoldSpikesDoNotMoveTheEstimateBeyondTenPercent() {
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    var link = SimulatedLink(Self.lte, seed: 11, spikeProbability: 0.05)
    var failures: [Double] = []
    var rejected = 0
    Self.run(&estimator, &link, from: 0, seconds: 60) { time, live in
      if time >= 5 && !within(live.estimate, Self.lte.estimate, 0.1) { failures.append(time) }
    }
    rejected = estimator.rejectedSamples
    #expect(failures.isEmpty, "outside 10% at \(failures.prefix(5))")
    // About 5% of some 800 samples are spikes, and the gate rejects them.
    #expect(rejected >= 20)

    // Two spikes in a row on the uplink are outliers, not a change.
    var quiet = LinkEstimator(prior: Self.lte.estimate)
    var clean = SimulatedLink(Self.lte, seed: 12)
    Self.run(&quiet, &clean, from: 0, seconds: 10)
    let before = quiet.estimate.estimate
    for offset in 0..<2 {
      var spike = clean.sample(up: Self.offloadUp, down: Self.offloadDown, at: 10 + Double(offset) * 0.1)
      spike.roundTripSeconds *= 10
      #expect(quiet.add(spike) == .rejected)
    }
    #expect(quiet.estimate.estimate == before)
    #expect(quiet.estimate.lastChangeAt == nil)
  }

  @Test func malformedSamplesAreCountedAndIgnored() {
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    let bad = [
      TransferSample(bytesUp: -1, bytesDown: 10, roundTripSeconds: 0.1, serverSeconds: 0, sentAt: 0),
      TransferSample(bytesUp: 1, bytesDown: 10, roundTripSeconds: .nan, serverSeconds: 0, sentAt: 0),
      TransferSample(bytesUp: 1, bytesDown: 10, roundTripSeconds: 0.1, serverSeconds: -2, sentAt: 0),
      TransferSample(bytesUp: 1, bytesDown: 10, roundTripSeconds: .infinity, serverSeconds: 0, sentAt: 0),
    ]
    for sample in bad { #expect(estimator.add(sample) == nil) }
    #expect(estimator.invalidSamples == 4)
    #expect(estimator.estimate.estimate == Self.lte.estimate)
    #expect(estimator.estimate.confidence() == 0)
    // A zero link time (loopback) is usable: floored, not a crash or a NaN.
    estimator.add(
      TransferSample(bytesUp: 10, bytesDown: 10, roundTripSeconds: 0, serverSeconds: 0, sentAt: 1))
    #expect(estimator.estimate.estimate.roundTripSeconds > 0)
    #expect(estimator.estimate.estimate.roundTripSeconds.isFinite)
  }

  @Test func pingsMeasureTheRoundTripAndPayloadsTheRates() {
    // Noise-free: each component is exact once observed, and samples go where they belong.
    let truth = LinkEstimate(uplinkBitsPerSecond: 4e6, downlinkBitsPerSecond: 16e6, roundTripSeconds: 0.05)
    var estimator = LinkEstimator(prior: truth.scaled(by: 2))
    func sample(_ up: Int, _ down: Int, _ time: Double) -> TransferSample {
      TransferSample(
        bytesUp: up, bytesDown: down,
        roundTripSeconds: truth.roundTripSeconds + truth.uploadSeconds(up) + truth.downloadSeconds(down)
          + 0.003,
        serverSeconds: 0.003, sentAt: time)
    }
    for index in 0..<6 { estimator.add(sample(100, 100, Double(index))) }
    #expect(estimator.estimate.roundTripSamples == 6 && estimator.estimate.uplinkSamples == 0)
    // Exact but for the pings' own 200 bytes, priced at the prior's rates.
    #expect(abs(estimator.estimate.estimate.roundTripSeconds - 0.05) < 0.05 * 0.01)
    for index in 0..<6 { estimator.add(sample(50_000, 500, 10 + Double(index))) }
    for index in 0..<6 { estimator.add(sample(64, 200_000, 20 + Double(index))) }
    let live = estimator.estimate
    #expect(live.uplinkSamples == 6 && live.downlinkSamples == 6 && live.roundTripSamples == 6)
    #expect(within(live.estimate, truth, 0.01), "\(live.estimate)")
  }
}

extension LinkEstimate {
  /// Rates divided and the RTT multiplied by `factor`: a link `factor` times slower.
  func scaled(by factor: Double) -> LinkEstimate {
    LinkEstimate(
      uplinkBitsPerSecond: uplinkBitsPerSecond / factor,
      downlinkBitsPerSecond: downlinkBitsPerSecond / factor,
      roundTripSeconds: roundTripSeconds * factor)
  }
}
