import Engine

/// One frame through a `SplitExecutor`: its outputs (always there: a failed offload runs the
/// tail on the device), where the tail ran and what it cost.
public struct FrameResult: Sendable {
  public var frameID: UInt64
  /// Every graph output, by name.
  public var outputs: [String: Tensor]
  public var mode: SplitMode
  public var tailLocation: TailLocation
  /// Why a tail meant for the server ran on the device (nil when it ran where planned).
  public var fallback: OffloadClientError?
  /// Seconds of the head on the device (the whole model in device-only mode).
  public var headSeconds: Double
  /// Seconds from the request sent to its reply (or to giving up on it).
  public var waitSeconds: Double
  /// Seconds of the tail run on the device after a fallback (0 when the server ran it).
  public var tailSeconds: Double
  /// Seconds from the frame's start (after waiting for a window slot) to its outputs.
  public var totalSeconds: Double
  /// Bytes of the request and the reply on the wire, framing included.
  public var bytesUp: Int
  public var bytesDown: Int
  /// The round trip as the client measured it, when a reply came.
  public var transfer: TransferSample?

  /// True when the offload failed: the link or the server is not what the plan assumed.
  public var replanDue: Bool { fallback != nil }
}
