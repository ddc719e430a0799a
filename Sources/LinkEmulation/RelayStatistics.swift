/// Counts over a relay's life, for the summary line and tests.
public struct RelayStatistics: Sendable, Hashable {
  /// Connections accepted and relayed.
  public var connections = 0
  /// Connections accepted while the link was cut, and reset at once.
  public var refused = 0
  /// Connections whose target could not be reached.
  public var targetFailures = 0
  /// Connections reset by a cut.
  public var cutConnections = 0
  /// Bytes delivered device to server (uplink) and back (downlink).
  public var uplinkBytes = 0
  public var downlinkBytes = 0

  public init() {}
}
