/// One track's risk level over time: raised only after `confirmFrames` consecutive frames at or
/// under a threshold, lowered only after `releaseFrames` consecutive frames above it plus the
/// hysteresis margin, so a TTC wandering around a threshold does not make the level flicker.
struct RiskHysteresis: Sendable {
  private(set) var level = RiskLevel.none
  private var recent: [RiskLevel] = []
  private var releaseCount = 0

  /// The level after one more frame with this TTC (nil: unknown) and path state.
  mutating func update(ttc: Double?, inPath: Bool, config: NearMissConfig) -> RiskLevel {
    let raw = Self.level(ttc: ttc, inPath: inPath, margin: 0, config: config)
    let sustained = Self.level(ttc: ttc, inPath: inPath, margin: config.hysteresisSeconds, config: config)
    recent.append(raw)
    if recent.count > config.confirmFrames { recent.removeFirst(recent.count - config.confirmFrames) }
    let confirmed = recent.count == config.confirmFrames ? recent.min() ?? .none : .none
    if confirmed > level {
      level = confirmed
      releaseCount = 0
    } else if sustained < level {
      releaseCount += 1
      if releaseCount >= config.releaseFrames {
        level = max(sustained, confirmed)
        releaseCount = 0
      }
    } else {
      releaseCount = 0
    }
    return level
  }

  /// The highest level whose threshold (plus `margin`) the TTC is at or under.
  static func level(ttc: Double?, inPath: Bool, margin: Double, config: NearMissConfig) -> RiskLevel {
    guard inPath, let ttc else { return .none }
    for level in [RiskLevel.critical, .warning, .caution] where ttc <= config.threshold(level) + margin {
      return level
    }
    return .none
  }
}
