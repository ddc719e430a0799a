import Engine

/// The server's answer to a `TailRequest`: the tail's outputs.
///
///     frame id u64, server nanoseconds u64, outputs as one `TensorPacket` (the rest)
public struct TailReply: Sendable {
  public var frameID: UInt64
  /// Seconds from the whole request received to the reply sent: the server's queueing and tail
  /// execution, which link estimation subtracts from the round trip.
  public var serverSeconds: Double
  /// The graph's outputs, in the graph's order.
  public var outputs: [(name: String, tensor: Tensor)]

  public init(frameID: UInt64, serverSeconds: Double, outputs: [(name: String, tensor: Tensor)]) {
    self.frameID = frameID
    self.serverSeconds = serverSeconds
    self.outputs = outputs
  }

  func encode(into writer: inout WireWriter) throws(WireError) {
    writer.integer(frameID)
    let nanoseconds = serverSeconds * 1e9
    writer.integer(nanoseconds.isFinite ? UInt64(max(0, min(nanoseconds, Double(UInt64.max / 2)))) : 0)
    try writer.tensors(outputs, frameID: frameID)
  }

  static func decode(_ reader: inout WireReader, limits: WireLimits) throws(WireError) -> TailReply {
    let frameID = try reader.frameID()
    let nanoseconds = try reader.integer(UInt64.self, "server time")
    return TailReply(
      frameID: frameID, serverSeconds: Double(nanoseconds) / 1e9, outputs: try reader.tensors(limits: limits))
  }
}
