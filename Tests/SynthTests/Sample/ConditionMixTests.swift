import Testing

@testable import Synth

@Suite struct ConditionMixTests {
  @Test func samplersDrawOnlyTheMixesPairsAndKeepTheScenesGeometry() throws {
    let mix = try ConditionMix([.init(.fog, .night), .init(.rain, .dusk, weight: 3)])
    let mixed = TrainingSampler(seed: 11, width: 96, height: 64, conditions: mix)
    let plain = TrainingSampler(seed: 11, width: 96, height: 64)
    var seen = Set<String>()
    for index in stride(from: 0, to: 160, by: 8) {
      let sample = mixed.sample(index)
      #expect(mix.contains(weather: sample.weather, light: sample.light))
      seen.insert("\(sample.weather)/\(sample.light)")
      // Conditions come from a stream of their own: the boxes are the unmixed scene's.
      #expect(sample.labels.objects.map(\.box) == plain.sample(index).labels.objects.map(\.box))
    }
    #expect(seen == ["fog/night", "rain/dusk"])
  }

  @Test func rejectsEmptyOrNonPositiveWeights() {
    #expect(throws: SynthError.self) { try ConditionMix([]) }
    #expect(throws: SynthError.self) { try ConditionMix([.init(.clear, .day, weight: 0)]) }
    #expect(throws: SynthError.self) { try ConditionMix([.init(.clear, .day, weight: .nan)]) }
  }

  @Test func describesSharesOfTheTotal() throws {
    let mix = try ConditionMix([.init(.clear, .day, weight: 3), .init(.fog, .night)])
    #expect(mix.description == "clear/day 0.75, fog/night 0.25")
  }
}
