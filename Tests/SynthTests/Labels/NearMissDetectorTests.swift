import Foundation
import Testing

@testable import Synth

@Suite struct NearMissDetectorTests {
  /// The lead brakes at 5 m/s^2 from 20 to 10 m/s (1 s ... 3 s), then speeds up again at 5 m/s^2;
  /// the ego holds 20 m/s and never reacts; the gap starts at 25 m. With u = 5 - t (3 s ... 5 s)
  /// the gap is 2.5 (u^2 + 2) and the closing speed 5 u, so TTC = (u + 2 / u) / 2, least at
  /// u = sqrt(2): min TTC sqrt(2) s at t = 5 - sqrt(2). TTC crosses 2 s at t = 1 + sqrt(14) - 2
  /// (braking: TTC = 5 / (t - 1) - (t - 1) / 2) and at t = 3 + sqrt(2).
  @Test func leadBrakingMatchesTheKinematics() throws {
    let script = Scripts.script(
      ego: EgoPlan(speed: 20),
      actors: { random in
        let size = SIMD3(1.8, 1.5, 4.4)
        return [
          ActorPlan(
            track: 3, kind: .car, s: 25 + size.z / 2, d: 0,
            motion: .driving(
              speed: 20, oncoming: false,
              speedChanges: [
                SpeedChange(time: 1, rate: 5, targetSpeed: 10),
                SpeedChange(time: 3, rate: 5, targetSpeed: 20),
              ],
              laneChanges: []),
            size: size, random: &random)
        ]
      }, seconds: 6)
    let scenario = Scenario(script: script)
    let gaps = (0..<scenario.frameCount).map { scenario.relations(frame: $0)[0].gap }
    #expect(abs(gaps[0] - 25) < 1e-9)
    #expect(abs(gaps.min()! - 5) < 0.1)
    #expect(gaps[90] < gaps[30])
    let misses = NearMissDetector().nearMisses(in: scenario)
    #expect(misses.count == 1)
    let miss = try #require(misses.first)
    let frame = 1 / 30.0
    #expect(miss.track == 3)
    #expect(abs(miss.minTTCS - 2.squareRoot()) < 0.01)
    #expect(abs(miss.peak - (5 - 2.squareRoot())) <= frame)
    #expect(abs(miss.start - (14.0.squareRoot() - 1)) <= frame + 0.01)
    #expect(abs(miss.end - (3 + 2.squareRoot())) <= frame + 0.01)
  }

  @Test func nearMissKindsHaveANearMissWithTheirMainActor() {
    for kind in ScenarioKind.allCases where kind.hasNearMiss {
      for seed: UInt64 in 1...6 {
        let scenario = Scenario(kind: kind, seed: seed)
        let misses = NearMissDetector().nearMisses(in: scenario)
        #expect(misses.contains { $0.track == 1 }, "\(kind.rawValue) seed \(seed): \(misses)")
        #expect(misses.allSatisfy { $0.minTTCS > 0 && $0.start <= $0.peak && $0.peak <= $0.end })
      }
    }
  }

  @Test func safeKindsHaveNoNearMiss() {
    for seed: UInt64 in 1...6 {
      for (kind, seconds) in [(ScenarioKind.safeFollowing, 10.0), (.longDrive, 60.0)] {
        let scenario = Scenario(kind: kind, seed: seed, seconds: seconds)
        let misses = NearMissDetector().nearMisses(in: scenario)
        #expect(misses.isEmpty, "\(kind.rawValue) seed \(seed): \(misses)")
      }
    }
  }

  @Test func shortIntervalsAreDroppedAndALateBrakingEgoStopsShort() {
    // A pedestrian standing in the ego's path: TTC falls steadily until the ego brakes.
    let script = Scripts.script(
      ego: EgoPlan(speed: 10, reactionTTC: 1.0),
      actors: { random in [Scripts.parked(1, .pedestrian, s: 40, d: 0, random: &random)] }, seconds: 6)
    let scenario = Scenario(script: script)
    let strict = NearMissDetector(minimumDuration: 100).nearMisses(in: scenario)
    #expect(strict.isEmpty)
    let misses = NearMissDetector().nearMisses(in: scenario)
    #expect(misses.count == 1)
    #expect(misses.first.map { $0.minTTCS < 1.0 } ?? false)
    // The ego stopped short of the pedestrian.
    let last = scenario.relations(frame: scenario.frameCount - 1)[0]
    #expect(last.gap > 0)
  }
}
