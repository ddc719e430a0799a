import Synth
import Testing

@testable import hiyari_train

@Suite struct DataSplitsTests {
  @Test func heldOutConditionsAreExactlyThePairsTrainingLeavesOut() {
    for weather in Weather.allCases {
      for light in Light.allCases {
        let trained = DataSplits.training.contains(weather: weather, light: light)
        let heldOut = DataSplits.heldOut.contains(weather: weather, light: light)
        #expect(trained != heldOut, "\(weather)/\(light) must be in exactly one split")
        #expect(heldOut == (weather == .fog || light == .night))
      }
    }
  }

  @Test func calibrationAndEvaluationSeedsAreNotTheTrainingSeed() {
    for seed: UInt64 in [0, 1, 2, 42] {
      #expect(DataSplits.calibrationSeed(training: seed) != seed)
    }
    #expect(!(0...1000).contains(DataSplits.evaluationSeed))
  }
}
