/// A light active probe for the wire client to send: a request of `bytesUp` bytes answered by
/// `bytesDown` bytes (both on the wire, framing included), whose round trip comes back to the
/// `LinkEstimator` as a `TransferSample` like any offload exchange.
public struct ProbeRequest: Sendable, Hashable {
  public enum Kind: String, Sendable, Hashable, Codable {
    /// Small both ways: measures the RTT.
    case ping
    /// A payload up, a small reply: measures the uplink.
    case upload
    /// A small request, a payload reply: measures the downlink.
    case download
  }

  public var kind: Kind
  public var bytesUp: Int
  public var bytesDown: Int

  public init(kind: Kind, bytesUp: Int, bytesDown: Int) {
    self.kind = kind
    self.bytesUp = bytesUp
    self.bytesDown = bytesDown
  }

  /// Bytes the probe costs, both ways.
  public var bytes: Int { bytesUp + bytesDown }
}
