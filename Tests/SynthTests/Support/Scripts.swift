@testable import Synth

/// Hand-written scenes for tests: a straight road, clear day, no sensor effects.
enum Scripts {
  static func plainConditions(light: Light = .day) -> Conditions {
    Conditions(weather: .clear, light: light, visibility: .infinity, noise: 0, motionBlur: 0, exposure: 1)
  }

  static func script(
    ego: EgoPlan = EgoPlan(speed: 0), actors: (inout SynthRandom) -> [ActorPlan], seconds: Double = 1,
    camera: PinholeCamera = PinholeCamera(
      width: 320, height: 192, horizontalFOVDegrees: 80, mountHeight: 1.4, pitchDegrees: 2),
    light: Light = .day
  ) -> ScenarioScript {
    var random = SynthRandom(seed: 42)
    return ScenarioScript(
      kind: .safeFollowing, seed: 42, seconds: seconds, camera: camera,
      conditions: plainConditions(light: light),
      road: ScenarioScript.straightRoad(), ego: ego, actors: actors(&random), clutter: 0)
  }

  /// A parked road user of `kind` at (s, d), facing along the road.
  static func parked(_ track: Int, _ kind: ActorKind, s: Double, d: Double, random: inout SynthRandom)
    -> ActorPlan
  {
    ActorPlan(track: track, kind: kind, s: s, d: d, motion: .parked, random: &random)
  }
}
