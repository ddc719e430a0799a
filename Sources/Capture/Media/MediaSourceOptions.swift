/// How a `MediaSource` opens and decodes.
public struct MediaSourceOptions: Sendable {
  /// Decoder threads; 0 lets libavcodec use one per core.
  public var threads: Int = 0
  public var hardware: HardwareDecoding = .none
  /// Longest a network open or a single read may block before the source reports a timeout.
  public var networkTimeoutSeconds: Double = 10
  /// Largest frame width or height accepted (guards hostile headers before any allocation).
  public var maximumDimension: Int = 8192
  /// Consecutive undecodable packets tolerated before the file is declared invalid.
  public var maximumConsecutiveErrors: Int = 200

  public init() {}
}
