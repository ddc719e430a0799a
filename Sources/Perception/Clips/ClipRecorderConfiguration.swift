/// How much video a clip holds around its event, and how much memory the ring may use.
public struct ClipRecorderConfiguration: Sendable, Equatable {
  /// Video before the event's start. The clip starts at the newest keyframe at or before
  /// `start - preRoll`, so it holds up to one GOP more.
  public var preRollNanoseconds: Int64
  /// Video after the event's end (to within a frame).
  public var postRollNanoseconds: Int64
  /// The longest GOP the source is expected to have: the ring holds pre-roll plus this much.
  public var longestGOPNanoseconds: Int64 = 4_000_000_000
  /// Memory for the ring of recent packets (a hard bound; see `EncodedFrameRing`).
  public var ringMaximumBytes: Int = 64 << 20
  /// A clip extended past this length is closed at the next keyframe and a new one continues.
  public var maximumClipNanoseconds: Int64 = 300_000_000_000

  public init(preRollSeconds: Double, postRollSeconds: Double) {
    preRollNanoseconds = Int64(max(preRollSeconds, 0) * 1e9)
    postRollNanoseconds = Int64(max(postRollSeconds, 0) * 1e9)
  }
}
