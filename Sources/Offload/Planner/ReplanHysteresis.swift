/// Keeps a chosen plan until another is better by a margin on several estimates in a row, so a
/// noisy link estimate does not make the split flap between two cuts (each switch costs a
/// pipeline drain and possibly a cold tail in the cloud).
public struct ReplanHysteresis<Choice: Equatable & Sendable>: Sendable {
  /// The fraction by which the new best must beat the current choice (0.1 = 10% lower latency).
  public let improvement: Double
  /// How many consecutive estimates must show that improvement.
  public let consecutive: Int
  /// The choice in force (nil before the first estimate).
  public private(set) var current: Choice?
  /// Consecutive estimates so far on which some other choice was better by the margin.
  public private(set) var streak = 0

  public init(improvement: Double, consecutive: Int) {
    precondition(improvement >= 0 && consecutive >= 1, "a margin of 0 or more, at least one estimate")
    self.improvement = improvement
    self.consecutive = consecutive
  }

  /// Takes one estimate: `best` with its latency, and the current choice's latency under the
  /// same estimate. Returns the choice to use. A current choice that became impossible (infinite
  /// latency, e.g. the link is down) is left at once.
  public mutating func update(best: Choice, bestLatency: Double, currentLatency: Double) -> Choice {
    guard let chosen = current else {
      current = best
      return best
    }
    if best == chosen {
      streak = 0
      return chosen
    }
    if !currentLatency.isFinite && bestLatency.isFinite {
      streak = 0
      current = best
      return best
    }
    if bestLatency < currentLatency * (1 - improvement) {
      streak += 1
      if streak >= consecutive {
        streak = 0
        current = best
        return best
      }
    } else {
      streak = 0
    }
    return chosen
  }
}
