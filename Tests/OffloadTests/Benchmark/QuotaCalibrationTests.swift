import Testing

@testable import Offload

/// The calibration loop against quotas that do not slow a process in proportion (the real
/// effect, measured by `hiyari bench-split`, is in BENCHMARKS.md): a model of the frame time per
/// CPU share stands in for the kernel, so the loop's logic is checked exactly.
@Suite struct QuotaCalibrationTests {
  /// Tunes from `estimated` CPUs against a quota whose frame takes `time(cpus)` ms.
  static func tune(
    estimated: Double, target: Double, maximum: Double = 1, rounds: Int = 4, time: (Double) -> Double
  ) -> (QuotaCalibration, [Double]) {
    var current = estimated
    var applied: [Double] = []
    let calibration = QuotaCalibration.tune(
      device: "board", estimatedCPUs: estimated, targetMilliseconds: target, maximumCPUs: maximum,
      tolerance: 0.05, rounds: rounds, measure: { time(current) },
      setCPUs: {
        current = $0
        applied.append($0)
      })
    return (calibration, applied)
  }

  @Test func aQuotaSlowerThanItsShareIsRaisedUntilTheFrameTakesTheTarget() {
    // 8 ms of work; a quota costs 1.6x its share's time below half a CPU, as measured here.
    let time = { (cpus: Double) in 8 / cpus * (cpus < 0.5 ? 1.6 : 1) }
    let (calibration, applied) = Self.tune(estimated: 0.16, target: 50, time: time)
    #expect(abs(calibration.ratio - 1) <= 0.05, "\(calibration)")
    #expect(
      calibration.cpus > 0.16 && calibration.rounds == applied.count && applied.last == calibration.cpus)
    #expect(calibration.estimatedCPUs == 0.16 && calibration.targetMilliseconds == 50)
  }

  @Test func aQuotaWithinToleranceIsLeftAlone() {
    let (calibration, applied) = Self.tune(estimated: 0.5, target: 16, time: { 8 / $0 * 1.02 })
    #expect(applied.isEmpty && calibration.rounds == 0 && calibration.cpus == 0.5)
  }

  @Test func theQuotaNeverPassesTheMaximumNorTheRoundLimit() {
    // A board the machine cannot reach even with a whole CPU: stops at the maximum.
    let (capped, appliedCapped) = Self.tune(estimated: 0.9, target: 4, time: { 8 / $0 })
    #expect(capped.cpus == 1 && appliedCapped == [1])
    #expect(capped.ratio > 1.05)
    // A quota whose effect keeps moving (noise): at most `rounds` changes.
    var flip = false
    let (noisy, appliedNoisy) = Self.tune(
      estimated: 0.5, target: 16, rounds: 3,
      time: { cpus in
        flip.toggle()
        return 8 / cpus * (flip ? 1.3 : 0.7)
      })
    #expect(noisy.rounds == 3 && appliedNoisy.count == 3)
  }
}
