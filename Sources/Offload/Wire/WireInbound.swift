/// What a `WireFrameDecoder` passes up the pipeline: a message, or the error that refused one.
public enum WireInbound: Sendable {
  /// A decoded message, its size on the wire, and the monotonic nanoseconds at which its last
  /// byte was read.
  case message(WireMessage, wireBytes: Int, receivedAt: UInt64)
  /// A refused message. After a fatal error (an oversized or truncated frame) the stream cannot
  /// be resynchronised: the decoder discards the rest and the connection should be closed once
  /// the refusal is answered.
  case invalid(WireError, fatal: Bool)
}
