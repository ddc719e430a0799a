import Testing

@testable import Offload

@Suite struct ProbeSchedulerTests {
  static let lte = LinkProfile.named("neurosurgeon-lte")!

  /// Asks the scheduler every 50 ms from `start` for `seconds`, feeding every probe's sample (from
  /// `link`) to `estimator`, with offload traffic at 10 per second while `active(time)`.
  static func drive(
    _ scheduler: inout ProbeScheduler, _ estimator: inout LinkEstimator, _ link: inout SimulatedLink,
    from start: Double, seconds: Double, active: (Double) -> Bool
  ) -> [(Double, ProbeRequest)] {
    var sent: [(Double, ProbeRequest)] = []
    var lastTraffic: Double?
    for tick in 0..<Int(seconds / 0.05) {
      let time = start + Double(tick) * 0.05
      if active(time) && tick % 2 == 0 {
        estimator.add(link.sample(up: 60_000, down: 2_000, at: time))
        lastTraffic = time
      }
      if let probe = scheduler.next(now: time, link: estimator.estimate, lastTrafficAt: lastTraffic) {
        sent.append((time, probe))
        estimator.add(link.sample(up: probe.bytesUp, down: probe.bytesDown, at: time))
      }
    }
    return sent
  }

  @Test func idleLinkGetsPingsEverySecondAndPayloadProbesSizedToTwoRoundTrips() {
    var scheduler = ProbeScheduler()
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    var link = SimulatedLink(Self.lte, seed: 3)
    let sent = Self.drive(&scheduler, &estimator, &link, from: 0, seconds: 30) { _ in false }
    let pings = sent.filter { $0.1.kind == .ping }
    #expect(pings.count >= 29 && pings.count <= 31, "\(pings.count) pings in 30 s")
    let uploads = sent.filter { $0.1.kind == .upload }
    let downloads = sent.filter { $0.1.kind == .download }
    // One of each at the start, then every 10 s.
    #expect(uploads.count == 3 && downloads.count == 3, "\(uploads.count) up, \(downloads.count) down")
    // 2 RTTs (140 ms) at 12 Mbit/s down = 210 kB; at 5.85 Mbit/s up = 102 kB.
    let down = downloads.last!.1.bytesDown
    #expect(abs(Double(down) - 210_000) < 0.15 * 210_000, "\(down)")
    let up = uploads.last!.1.bytesUp
    #expect(abs(Double(up) - 102_375) < 0.15 * 102_375, "\(up)")
    // And the estimator, fed only by probes, has the link.
    #expect(within(estimator.estimate.estimate, Self.lte.estimate, 0.1), "\(estimator.estimate.estimate)")
  }

  @Test func offloadTrafficReplacesUploadProbesAndAChangeStartsABurst() {
    var scheduler = ProbeScheduler()
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    var link = SimulatedLink(Self.lte, seed: 4)
    let before = Self.drive(&scheduler, &estimator, &link, from: 0, seconds: 20) { _ in true }
    #expect(before.filter { $0.1.kind == .upload }.isEmpty, "offload traffic measures the uplink")
    let steadyPings = before.filter { $0.1.kind == .ping && $0.0 >= 10 }.count
    #expect(steadyPings >= 19 && steadyPings <= 21, "pings every 0.5 s while active: \(steadyPings) in 10 s")
    link.link = LinkProfile.named("neurosurgeon-3g")!.estimate
    let after = Self.drive(&scheduler, &estimator, &link, from: 20, seconds: 5) { _ in true }
    let change = try! #require(estimator.estimate.lastChangeAt)
    let burstPings = after.filter { $0.1.kind == .ping && $0.0 >= change && $0.0 < change + 2 }.count
    #expect(burstPings >= 7, "pings every 0.25 s after a change: \(burstPings) in 2 s")
    #expect(after.filter { $0.1.kind == .download }.count >= 3, "download probes every second in a burst")
  }

  /// Scheduler and estimator together on an offloading device: after each step between LTE and
  /// 3G the estimate is within 10% of the new link 5 s later, the probes' burst after a change
  /// providing the pings and download probes the estimator needs. (Each probe's sample is taken
  /// as sent; a real link would queue overlapping ones, delaying them a little.)
  @Test func withTheSchedulerStepsAreFollowedWithinFiveSeconds() {
    var scheduler = ProbeScheduler()
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    var link = SimulatedLink(Self.lte, seed: 6, spikeProbability: 0.05)
    let threeG = LinkProfile.named("neurosurgeon-3g")!
    var failures: [String] = []
    for (index, profile) in [Self.lte, threeG, Self.lte, threeG].enumerated() {
      link.link = profile.estimate
      link.jitterSeconds = profile.jitterSeconds
      let start = Double(index) * 20
      var lastTraffic: Double?
      for tick in 0..<400 {
        let time = start + Double(tick) * 0.05
        if tick % 2 == 0 {
          estimator.add(link.sample(up: 60_000, down: 2_000, at: time))
          lastTraffic = time
        }
        if let probe = scheduler.next(now: time, link: estimator.estimate, lastTrafficAt: lastTraffic) {
          estimator.add(link.sample(up: probe.bytesUp, down: probe.bytesDown, at: time))
        }
        if time >= start + 5 && !within(estimator.estimate.estimate, profile.estimate, 0.1) {
          failures.append("\(profile.name) at \(time) s: \(estimator.estimate.estimate)")
        }
      }
    }
    #expect(failures.isEmpty, "\(failures.prefix(3))")
    // The bursts stayed inside the budget.
    #expect(Double(scheduler.spentBytes) <= 1_048_576 + 80 * 32_000)
  }

  @Test func probesStayWithinTheByteBudget() {
    var configuration = ProbeScheduler.Configuration()
    configuration.budgetBytesPerSecond = 5_000
    configuration.budgetBurstBytes = 300_000
    var scheduler = ProbeScheduler(configuration: configuration)
    var estimator = LinkEstimator(prior: Self.lte.estimate)
    var link = SimulatedLink(Self.lte, seed: 5)
    let seconds = 300.0
    let sent = Self.drive(&scheduler, &estimator, &link, from: 0, seconds: seconds) { _ in false }
    let bytes = sent.reduce(0) { $0 + $1.1.bytes }
    #expect(bytes == scheduler.spentBytes)
    #expect(Double(bytes) <= configuration.budgetBurstBytes + seconds * configuration.budgetBytesPerSecond)
    // The budget binds: unconstrained, the payload probes alone would cost about 31 kB/s here.
    #expect(Double(bytes) > 0.8 * seconds * configuration.budgetBytesPerSecond)
  }
}
