/// One near miss: an interval in which a road user in the ego's path was under the
/// time-to-collision threshold (see `NearMissDetector`).
public struct NearMiss: Sendable, Hashable, Codable {
  public var track: Int
  /// Seconds from the clip's start: first and last frame under the threshold, and the frame of
  /// the minimum time-to-collision.
  public var start: Double
  public var peak: Double
  public var end: Double
  public var minTTCS: Double

  public init(track: Int, start: Double, peak: Double, end: Double, minTTCS: Double) {
    self.track = track
    self.start = start
    self.peak = peak
    self.end = end
    self.minTTCS = minTTCS
  }

  enum CodingKeys: String, CodingKey {
    case track, start, peak, end
    case minTTCS = "min_ttc_s"
  }
}
