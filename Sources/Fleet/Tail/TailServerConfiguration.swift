import Offload

/// How a `TailServer` serves.
public struct TailServerConfiguration: Sendable {
  /// Worker threads running tails (never the network threads).
  public var threads = 1
  /// The most requests queued or running across all connections; more are answered
  /// `.overloaded`.
  public var queueLimit = 64
  /// The most requests one connection may have queued or running.
  public var connectionLimit = 32
  public var limits = WireLimits()
  /// Timed runs behind each node's median in a profile the server measures.
  public var profileRuns = 10
  /// TLS on every connection; nil serves in the clear.
  public var tls: TailServerTLS?

  public init(threads: Int = 1) { self.threads = max(1, threads) }
}
