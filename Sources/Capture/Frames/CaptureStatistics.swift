/// Counters a frame source keeps.
public struct CaptureStatistics: Sendable, Equatable {
  /// Frames handed to the consumer.
  public var delivered: Int64 = 0
  /// Frames the driver dropped (gaps in its sequence numbers).
  public var droppedByDriver: Int64 = 0
  /// Frames captured but replaced by a newer one before the consumer asked (latest-frame-wins).
  public var skippedAsStale: Int64 = 0
  /// Packets or frames the decoder could not decode (corrupt data); decoding went on.
  public var decodeErrors: Int64 = 0
  /// Times a lost live source was opened again.
  public var reconnects: Int64 = 0

  public init() {}

  /// All frames the consumer did not see.
  public var dropped: Int64 { droppedByDriver + skippedAsStale }
}
