/// How `NetworkSplitMeasurer` tuned a board's CPU quota so that the device side runs the whole
/// model as fast as the board's profile says: the quota derived from the profiles
/// (`estimatedCPUs`), the one it settled on (`cpus`), and the device-only frame time measured
/// with it against the target (both in real time: dilated boards' targets are dilated).
///
/// Calibration is needed because a CFS quota does not slow a process exactly in proportion: a
/// throttled process also loses cache contents and pays for being descheduled in every period,
/// so the same model took 1.6x the predicted time at a fifth of a CPU here.
public struct QuotaCalibration: Sendable, Hashable {
  public var device: String
  public var estimatedCPUs: Double
  public var cpus: Double
  public var targetMilliseconds: Double
  public var measuredMilliseconds: Double
  /// Quota changes made (0: the estimate was already within tolerance).
  public var rounds: Int

  public init(
    device: String, estimatedCPUs: Double, cpus: Double, targetMilliseconds: Double,
    measuredMilliseconds: Double, rounds: Int
  ) {
    self.device = device
    self.estimatedCPUs = estimatedCPUs
    self.cpus = cpus
    self.targetMilliseconds = targetMilliseconds
    self.measuredMilliseconds = measuredMilliseconds
    self.rounds = rounds
  }

  /// Scales a quota until `measure()` (ms) is within `tolerance` of `targetMilliseconds`: at
  /// most `rounds` changes, each to the CPUs that would give the target if time were inversely
  /// proportional to CPUs (`setCPUs` applies them), never above `maximumCPUs` or below 0.001.
  public static func tune(
    device: String, estimatedCPUs: Double, targetMilliseconds target: Double, maximumCPUs: Double,
    tolerance: Double, rounds maximumRounds: Int, measure: () throws -> Double,
    setCPUs: (Double) throws -> Void
  ) rethrows -> QuotaCalibration {
    var cpus = estimatedCPUs
    var measured = try measure()
    var rounds = 0
    while abs(measured / target - 1) > tolerance, rounds < maximumRounds {
      let next = max(0.001, min(maximumCPUs, cpus * measured / target))
      guard next != cpus else { break }
      cpus = next
      try setCPUs(cpus)
      measured = try measure()
      rounds += 1
    }
    return QuotaCalibration(
      device: device, estimatedCPUs: estimatedCPUs, cpus: cpus, targetMilliseconds: target,
      measuredMilliseconds: measured, rounds: rounds)
  }

  /// Measured over target: 1 when the emulated board runs exactly at its profile's speed.
  public var ratio: Double { measuredMilliseconds / targetMilliseconds }
}
