/// One offload round trip as the device saw it: what link estimation learns from. The wire client
/// records one per reply; the link estimator turns a stream of them into a `LinkEstimate`.
public struct TransferSample: Sendable, Hashable {
  /// Bytes of the request on the wire, framing included.
  public var bytesUp: Int
  /// Bytes of the reply on the wire, framing included.
  public var bytesDown: Int
  /// Seconds from the first byte of the request written to the last byte of the reply read.
  public var roundTripSeconds: Double
  /// Seconds the server reports between receiving the whole request and sending the reply
  /// (its queueing plus tail execution), which is not link time.
  public var serverSeconds: Double
  /// Monotonic seconds at which the request was sent, to order samples and age them out.
  public var sentAt: Double

  public init(
    bytesUp: Int, bytesDown: Int, roundTripSeconds: Double, serverSeconds: Double, sentAt: Double
  ) {
    self.bytesUp = bytesUp
    self.bytesDown = bytesDown
    self.roundTripSeconds = roundTripSeconds
    self.serverSeconds = serverSeconds
    self.sentAt = sentAt
  }

  /// Seconds the link itself took: the round trip less the server's own time, never negative.
  public var linkSeconds: Double { max(0, roundTripSeconds - serverSeconds) }
}
