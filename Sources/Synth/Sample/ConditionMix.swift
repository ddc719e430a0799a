/// Weighted (weather, light) pairs that scenes are drawn from, so a training set and a held-out
/// set can see different conditions (e.g. train on clear and rainy days and dusks, evaluate on
/// fog and night). Each pair's details (fog density, glare, noise) are still random.
public struct ConditionMix: Sendable, Hashable {
  public struct Entry: Sendable, Hashable {
    public var weather: Weather
    public var light: Light
    public var weight: Double

    public init(_ weather: Weather, _ light: Light, weight: Double = 1) {
      self.weather = weather
      self.light = light
      self.weight = weight
    }
  }

  public let entries: [Entry]

  /// Fails unless there is at least one entry and every weight is finite and positive.
  public init(_ entries: [Entry]) throws(SynthError) {
    guard !entries.isEmpty, entries.allSatisfy({ $0.weight.isFinite && $0.weight > 0 }) else {
      throw SynthError.invalidArgument("a condition mix needs entries with positive, finite weights")
    }
    self.entries = entries
  }

  /// Whether scenes of this weather and light can be drawn.
  public func contains(weather: Weather, light: Light) -> Bool {
    entries.contains { $0.weather == weather && $0.light == light }
  }

  /// Random conditions of one of the pairs, chosen by weight.
  public func draw(_ random: inout SynthRandom) -> Conditions {
    let entry = random.pick(entries.map { ($0, $0.weight) })
    return random.conditions(weather: entry.weather, light: entry.light)
  }

  /// "clear/day 0.35, rain/dusk 0.15, ..." with weights as shares of the total.
  public var description: String {
    let total = entries.reduce(0) { $0 + $1.weight }
    return entries.map { entry in
      let share = (entry.weight / total * 100).rounded() / 100
      return "\(entry.weather.rawValue)/\(entry.light.rawValue) \(share)"
    }.joined(separator: ", ")
  }
}
