/// What a user asks of a camera; negotiation picks the closest mode the device offers.
public struct CameraRequest: Sendable, Equatable {
  public var width: Int = 1280
  public var height: Int = 720
  public var framesPerSecond: Double = 30
  /// A FourCC to insist on (e.g. "YUYV"); nil lets negotiation choose.
  public var fourCC: UInt32? = nil
  /// Driver buffers to stream with (2...32).
  public var bufferCount: Int = 4
  /// Longest wait for one frame before `nextFrame()` reports a timeout.
  public var frameTimeoutSeconds: Double = 2
  /// How long a lost camera is retried (with back-off) before giving up; 0 disables reconnection.
  public var reconnectTimeoutSeconds: Double = 10

  public init() {}
}
