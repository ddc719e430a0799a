/// A ground-truth near miss of one clip: the object, when the near miss starts, its closest
/// approach (peak) and end, in seconds, and the true minimum TTC.
public struct NearMissInterval: Sendable, Hashable, Codable {
  public var clip: String
  public var track: Int
  public var start: Double
  public var peak: Double
  public var end: Double
  public var minimumTTC: Double

  public init(clip: String, track: Int, start: Double, peak: Double, end: Double, minimumTTC: Double) {
    self.clip = clip
    self.track = track
    self.start = start
    self.peak = peak
    self.end = end
    self.minimumTTC = minimumTTC
  }

  enum CodingKeys: String, CodingKey {
    case clip, track, start, peak, end
    case minimumTTC = "min_ttc_s"
  }

  /// Decodes an interval; `clip` may be absent (labels of a single clip), and is then "".
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    try self.init(
      clip: container.decodeIfPresent(String.self, forKey: .clip) ?? "",
      track: container.decode(Int.self, forKey: .track), start: container.decode(Double.self, forKey: .start),
      peak: container.decode(Double.self, forKey: .peak), end: container.decode(Double.self, forKey: .end),
      minimumTTC: container.decode(Double.self, forKey: .minimumTTC))
  }
}
