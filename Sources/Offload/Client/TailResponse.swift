import Engine

/// The outcome of one offloaded tail: the outputs and the round trip as the device saw it.
public struct TailResponse: Sendable {
  /// The graph's outputs computed by the server's tail.
  public var outputs: [(name: String, tensor: Tensor)]
  /// The round trip (bytes both ways, seconds, the server's own seconds), as also handed to the
  /// client's transfer observer.
  public var transfer: TransferSample
}
