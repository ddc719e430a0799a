import Testing

@testable import Perception

/// Level changes frame by frame, with the default thresholds (caution 4.0 s, warning 2.5 s,
/// critical 1.5 s, 3 frames to raise, 5 frames above threshold + 0.5 s to lower).
@Suite struct RiskHysteresisTests {
  let config = NearMissConfig()

  func levels(_ ttcs: [Double?], inPath: Bool = true) -> [RiskLevel] {
    var hysteresis = RiskHysteresis()
    return ttcs.map { hysteresis.update(ttc: $0, inPath: inPath, config: config) }
  }

  @Test func levelsRiseOnTheThirdConsecutiveFrameUnderTheirThreshold() {
    // TTC falls by 0.1 s per frame from 4.5 s: ≤ 4.0 from frame 5, ≤ 2.5 from 20, ≤ 1.5 from 30.
    let levels = levels((0..<40).map { Double(45 - $0) / 10 })
    #expect(levels.firstIndex(of: .caution) == 7)
    #expect(levels.firstIndex(of: .warning) == 22)
    #expect(levels.firstIndex(of: .critical) == 32)
    #expect(levels[..<7].allSatisfy { $0 == .none })
  }

  @Test func noisyTTCAroundTheThresholdDoesNotRaise() {
    // 2.4 and 2.6 alternating: never three frames in a row under 2.5 s.
    let levels = levels((0..<40).map { $0 % 2 == 0 ? 2.4 : 2.6 })
    #expect(!levels.contains(.warning))
    #expect(levels.last == .caution)
  }

  @Test func noisyTTCAboveTheThresholdDoesNotFlickerOnceRaised() {
    // Raised by three frames at 2.4 s, then noise between 2.4 and 2.95 s (inside the 0.5 s
    // hysteresis band) keeps it; five frames above 3.0 s lower it to caution.
    let noise = [2.6, 2.9, 2.4, 2.95, 2.7, 2.8, 2.5, 2.9, 2.6, 2.95]
    let sequence =
      [2.4, 2.4, 2.4] + Array(repeating: noise, count: 4).flatMap { $0 } + [3.2, 3.2, 3.2, 3.2, 3.2, 3.2]
    let levels = levels(sequence)
    #expect(levels[2] == .warning)
    #expect(levels[2..<(sequence.count - 2)].allSatisfy { $0 == .warning })
    #expect(levels[sequence.count - 2] == .caution)
  }

  @Test func aSingleFrameAboveDoesNotLower() {
    let sequence = [2.0, 2.0, 2.0, 3.5, 2.0, 3.5, 3.5, 3.5, 3.5, 2.0] + Array(repeating: 3.5, count: 5)
    let levels = levels(sequence)
    #expect(levels[2..<14].allSatisfy { $0 == .warning })
    #expect(levels[14] == .caution)
  }

  @Test func outsideThePathNothingRises() {
    #expect(levels(Array(repeating: 1.0, count: 10), inPath: false).allSatisfy { $0 == .none })
  }

  @Test func unknownTTCCountsAsSafe() {
    let levels = levels([2.0, 2.0, 2.0] + Array(repeating: nil, count: 5))
    #expect(levels[6] == .warning && levels[7] == .none)
  }
}
