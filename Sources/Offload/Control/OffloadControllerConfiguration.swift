/// What an `OffloadController` plans with and how eagerly it changes its mind.
public struct OffloadControllerConfiguration: Sendable {
  /// The tail server (its `onTransfer` is replaced by the controller's link monitor, which
  /// forwards every sample to the one given here too).
  public var client: OffloadClientConfiguration
  public var policy: CutPolicy = .automatic
  /// The link assumed before any observation (a named `LinkProfile`'s estimate, say).
  public var prior: LinkEstimate
  public var estimator = LinkEstimator.Configuration()
  public var probes = ProbeScheduler.Configuration()
  /// Seconds between two looks at the probe scheduler.
  public var probeTickSeconds = 0.05
  public var constraints: PlanConstraints = .none
  /// A new best plan must be this much faster (0.1: 10%) ...
  public var replanImprovement = 0.1
  /// ... on this many consecutive changed estimates before the controller switches to it.
  public var replanConsecutive = 3
  /// Offloads that failed in a row after which offload is held off for `holdSeconds`.
  public var fallbackLimit = 3
  public var holdSeconds = 2.0
  /// Threads each compiled part runs with, frames in flight, and each frame's default budget.
  public var threads = 1
  public var window = 4
  public var budgetSeconds = 0.25
  /// Whether a frame sent whole (cloud-only) is compressed, losslessly (`SplitExecutor`).
  public var compressesInputs = true
  /// The most seconds `start` waits for a connection and for the server's profile.
  public var startTimeoutSeconds = 10.0

  public init(client: OffloadClientConfiguration, prior: LinkEstimate) {
    self.client = client
    self.prior = prior
  }
}
