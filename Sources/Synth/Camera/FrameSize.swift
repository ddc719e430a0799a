/// A frame size as tools take it on the command line, "WIDTHxHEIGHT".
public struct FrameSize: Sendable, Hashable {
  public var width: Int
  public var height: Int

  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  /// Parses "640x360" (case-insensitive x); nil unless both sides are in `range` and, when
  /// `even` (video encoders want it), even.
  public init?(parsing text: String, range: ClosedRange<Int>, even: Bool = false) {
    let parts = text.lowercased().split(separator: "x", omittingEmptySubsequences: false)
    guard parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
      range.contains(width), range.contains(height), !even || (width % 2 == 0 && height % 2 == 0)
    else { return nil }
    self.init(width: width, height: height)
  }
}
