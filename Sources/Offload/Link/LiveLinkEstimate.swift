/// What the link estimator believes now: the estimate the planner takes, and how much of it is
/// backed by observations (a component without any is still the prior).
public struct LiveLinkEstimate: Sendable, Hashable {
  public var estimate: LinkEstimate
  /// Observations behind each component since its last detected change (0: still the prior).
  public var roundTripSamples: Int
  public var uplinkSamples: Int
  public var downlinkSamples: Int
  /// When the latest change of any component was detected (monotonic seconds), nil if never.
  public var lastChangeAt: Double?
  /// When each component last took an observation (nil: never).
  public var roundTripUpdatedAt: Double?
  public var uplinkUpdatedAt: Double?
  public var downlinkUpdatedAt: Double?

  public init(
    estimate: LinkEstimate, roundTripSamples: Int, uplinkSamples: Int, downlinkSamples: Int,
    lastChangeAt: Double?, roundTripUpdatedAt: Double?, uplinkUpdatedAt: Double?, downlinkUpdatedAt: Double?
  ) {
    self.estimate = estimate
    self.roundTripSamples = roundTripSamples
    self.uplinkSamples = uplinkSamples
    self.downlinkSamples = downlinkSamples
    self.lastChangeAt = lastChangeAt
    self.roundTripUpdatedAt = roundTripUpdatedAt
    self.uplinkUpdatedAt = uplinkUpdatedAt
    self.downlinkUpdatedAt = downlinkUpdatedAt
  }

  /// 0 to 1: the least-observed component's samples over `confidentSamples` (capped at 1). A
  /// planner may keep its configured link profile until this reaches 1.
  public func confidence(confidentSamples: Int = 8) -> Double {
    let least = min(roundTripSamples, uplinkSamples, downlinkSamples)
    return min(1, Double(least) / Double(max(1, confidentSamples)))
  }
}
