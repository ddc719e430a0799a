import Testing

@testable import Offload

@Suite struct ReplanHysteresisTests {
  @Test func alternatingEstimatesDoNotFlap() {
    var hysteresis = ReplanHysteresis<String>(improvement: 0.1, consecutive: 2)
    #expect(hysteresis.update(best: "split", bestLatency: 40, currentLatency: 40) == "split")
    // The link alternates: on every other estimate another cut is 30% better, never twice running.
    for round in 0..<20 {
      let choice =
        round % 2 == 0
        ? hysteresis.update(best: "device-only", bestLatency: 35, currentLatency: 50)
        : hysteresis.update(best: "split", bestLatency: 40, currentLatency: 40)
      #expect(choice == "split")
    }
  }

  @Test func aLastingImprovementSwitchesAfterKEstimates() {
    var hysteresis = ReplanHysteresis<String>(improvement: 0.1, consecutive: 3)
    _ = hysteresis.update(best: "split", bestLatency: 40, currentLatency: 40)
    #expect(hysteresis.update(best: "cloud-only", bestLatency: 30, currentLatency: 40) == "split")
    #expect(hysteresis.update(best: "cloud-only", bestLatency: 30, currentLatency: 40) == "split")
    #expect(hysteresis.update(best: "cloud-only", bestLatency: 30, currentLatency: 40) == "cloud-only")
    #expect(hysteresis.current == "cloud-only")
  }

  @Test func aSmallImprovementNeverSwitches() {
    var hysteresis = ReplanHysteresis<Int>(improvement: 0.1, consecutive: 1)
    _ = hysteresis.update(best: 1, bestLatency: 100, currentLatency: 100)
    for _ in 0..<10 { #expect(hysteresis.update(best: 2, bestLatency: 91, currentLatency: 100) == 1) }
    #expect(hysteresis.update(best: 2, bestLatency: 89, currentLatency: 100) == 2)
  }

  @Test func anImpossibleCurrentChoiceIsLeftAtOnce() {
    var hysteresis = ReplanHysteresis<Int>(improvement: 0.1, consecutive: 5)
    _ = hysteresis.update(best: 1, bestLatency: 30, currentLatency: 30)
    #expect(hysteresis.update(best: 2, bestLatency: 200, currentLatency: .infinity) == 2)
  }
}
