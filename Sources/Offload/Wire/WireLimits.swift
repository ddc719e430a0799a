import Engine

/// The bounds a wire decoder enforces before it allocates anything for a message: a peer is
/// hostile until its message has passed them.
public struct WireLimits: Sendable, Hashable {
  /// The most bytes one message may take on the wire, its length prefix included.
  public var maximumMessageBytes = 16 << 20
  /// The most tensors one message may carry, and the most names one cut may list.
  public var maximumTensors = 64
  /// The longest tensor name, in UTF-8 bytes.
  public var maximumNameBytes = 256
  /// The longest error text, in UTF-8 bytes.
  public var maximumTextBytes = 4096
  /// The largest ping payload, and the largest pong a ping may ask for.
  public var maximumProbeBytes = 4 << 20

  public init() {}

  /// The limits for the tensor packet inside a message.
  var packetLimits: TensorPacket.Limits {
    var limits = TensorPacket.Limits()
    limits.maximumTensors = maximumTensors
    limits.maximumNameBytes = maximumNameBytes
    limits.maximumBytes = maximumMessageBytes
    return limits
  }
}
