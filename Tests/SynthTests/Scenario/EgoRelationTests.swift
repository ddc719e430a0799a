import Testing

@testable import Synth

@Suite struct EgoRelationTests {
  func actor(_ kind: ActorKind, size: SIMD3<Double>) -> Actor {
    var random = SynthRandom(seed: 1)
    let plan = ActorPlan(track: 1, kind: kind, s: 0, d: 0, motion: .parked, size: size, random: &random)
    return Simulator.run(plan, frames: 1, fps: 30)
  }

  @Test func leadAheadInTheCorridorClosingHasGapOverClosingSpeed() throws {
    let car = actor(.car, size: SIMD3(1.8, 1.5, 4))
    let ego = ActorState(s: 0, d: 0, speedS: 15)
    let relation = EgoRelation(ego: ego, actor: car, state: ActorState(s: 32, d: 0.5, speedS: 5))
    #expect(relation.gap == 30)
    #expect(relation.closingSpeed == 10)
    #expect(relation.inEgoPath)
    #expect(try #require(relation.ttc) == 3)
  }

  @Test func outsideTheCorridorBehindOrOpeningHasNoTTC() {
    let car = actor(.car, size: SIMD3(1.8, 1.5, 4))
    let ego = ActorState(s: 0, d: 0, speedS: 15)
    // Next lane: 3.5 m across, its near side 2.6 m away, beyond the 1.0 m corridor half-width.
    #expect(!EgoRelation(ego: ego, actor: car, state: ActorState(s: 30, d: 3.5, speedS: 5)).inEgoPath)
    #expect(EgoRelation(ego: ego, actor: car, state: ActorState(s: -10, d: 0, speedS: 5)).ttc == nil)
    #expect(EgoRelation(ego: ego, actor: car, state: ActorState(s: 30, d: 0, speedS: 20)).ttc == nil)
  }

  @Test func aCrossingPedestrianUsesItsRotatedFootprint() {
    let person = actor(.pedestrian, size: SIMD3(0.5, 1.7, 0.4))
    let ego = ActorState(s: 0, d: 0, speedS: 10)
    // Walking across (yaw 90 degrees): 0.4 m deep across the road, 0.5 m wide along it.
    let state = ActorState(s: 20.25, d: 1.15, speedD: -1.5, yaw: -.pi / 2)
    let relation = EgoRelation(ego: ego, actor: person, state: state)
    #expect(abs(relation.gap - 20) < 1e-9)
    #expect(relation.inEgoPath)  // 1.15 - 0.2 < 1.0
    let outside = EgoRelation(ego: ego, actor: person, state: ActorState(s: 20.25, d: 1.25, yaw: -.pi / 2))
    #expect(!outside.inEgoPath)
  }
}
