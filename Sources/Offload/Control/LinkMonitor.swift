import Synchronization

/// A `LinkEstimator` shared between the network threads that report round trips (the client's
/// `onTransfer`) and the controller that plans from it.
public final class LinkMonitor: Sendable {
  let estimator: Mutex<LinkEstimator>

  public init(prior: LinkEstimate, configuration: LinkEstimator.Configuration = .init()) {
    estimator = Mutex(LinkEstimator(prior: prior, configuration: configuration))
  }

  /// Takes one round trip (any thread).
  public func add(_ sample: TransferSample) {
    estimator.withLock { _ = $0.add(sample) }
  }

  /// What the estimator believes now.
  public var estimate: LiveLinkEstimate { estimator.withLock { $0.estimate } }

  /// Samples refused as malformed and outliers rejected so far.
  public var discardedSamples: Int { estimator.withLock { $0.invalidSamples + $0.rejectedSamples } }
}
