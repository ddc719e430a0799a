/// A clip the recorder closed: where it is and what span of the source it holds.
public struct FinishedClip: Sendable, Equatable {
  public var path: String
  /// Presentation time (source clock) of the clip's first packet, a keyframe.
  public var startNanoseconds: Int64
  /// End of the last packet shown (source clock).
  public var endNanoseconds: Int64
  public var packetCount: Int
  /// Whether the clip was marked to keep (it has a `.keep` sidecar).
  public var isKept: Bool
}
