/// One (device, link) cell of `hiyari bench-split`: every candidate cut with its predicted and
/// measured latency, and the figures the issue asks for. The oracle is the cut of least measured
/// median; the choice is the planner's; the speed-up is over the better of device-only and
/// cloud-only, by measured medians.
public struct SplitBenchmarkCell: Sendable, Hashable, Codable {
  public var device: String
  public var link: String
  /// The device's time dilation (`SplitBenchmarkDevice.timeScale`): latencies are already
  /// divided by it.
  public var timeScale: Double
  /// Candidates by head size (cloud-only first, device-only last).
  public var cuts: [CutMeasurement]
  /// Index in `cuts` of the planner's choice.
  public var choice: Int
  public var oracle: Int
  public var deviceOnly: Int
  public var cloudOnly: Int
  /// Measured median of the choice over the oracle's (1 when the planner chose the best cut).
  public var choiceOverOracle: Double
  /// Measured median of the better of device-only and cloud-only over the choice's.
  public var speedUp: Double

  /// Throws when `cuts` lacks device-only or cloud-only or `choice` is out of range.
  public init(
    device: String, link: String, cuts: [CutMeasurement], choice: Int, timeScale: Double = 1
  ) throws(OffloadError) {
    guard cuts.indices.contains(choice) else {
      throw OffloadError("the choice \(choice) is not one of the \(cuts.count) cuts")
    }
    guard let deviceOnly = cuts.firstIndex(where: \.isDeviceOnly),
      let cloudOnly = cuts.firstIndex(where: \.isCloudOnly)
    else {
      throw OffloadError("a cell needs the device-only and the cloud-only cut among its candidates")
    }
    let medians = cuts.map(\.measured.medianMilliseconds)
    // The first of equal medians, so the oracle does not depend on sort stability.
    let oracle = medians.indices.min { (medians[$0], $0) < (medians[$1], $1) }!
    self.device = device
    self.link = link
    self.timeScale = timeScale
    self.cuts = cuts
    self.choice = choice
    self.oracle = oracle
    self.deviceOnly = deviceOnly
    self.cloudOnly = cloudOnly
    choiceOverOracle = Self.ratio(medians[choice], medians[oracle])
    speedUp = Self.ratio(min(medians[deviceOnly], medians[cloudOnly]), medians[choice])
  }

  /// a / b, with 0 / 0 as 1 (two cuts both measured at 0 ms are equally fast).
  static func ratio(_ a: Double, _ b: Double) -> Double {
    a == b ? 1 : a / b
  }

  /// Whether the choice is within `tolerance` of the oracle (the goal: 0.1).
  public func choiceWithin(_ tolerance: Double) -> Bool { choiceOverOracle <= 1 + tolerance }
}
