/// A simulated scenario: the ego's and every road user's trajectory, one state per frame, and the
/// ground truth derived from them.
public struct Scenario: Sendable {
  public let kind: ScenarioKind
  public let seed: UInt64
  public let fps: Double
  public let frameCount: Int
  public let camera: PinholeCamera
  public let conditions: Conditions
  public let road: Road
  /// The ego's states (its s is the camera's position).
  public let ego: [ActorState]
  public let actors: [Actor]
  let clutter: Double

  /// Simulates `script`.
  public init(script: ScenarioScript) {
    kind = script.kind
    seed = script.seed
    fps = script.fps
    let frames = max(1, Int((script.seconds * script.fps).rounded()))
    frameCount = frames
    camera = script.camera
    conditions = script.conditions
    road = script.road
    clutter = script.clutter
    let actors = script.actors.map { Simulator.run($0, frames: frames + 1, fps: script.fps) }
    self.actors = actors
    var random = SynthRandom(seed: script.seed, stream: 7)
    ego = Simulator.runEgo(
      script.ego, actors: actors, frames: frames + 1, fps: script.fps,
      weavePhase: random.uniform(0, 2 * .pi))
  }

  /// A random scenario of `kind` drawn from `seed`.
  public init(kind: ScenarioKind, seed: UInt64, camera: PinholeCamera? = nil, seconds: Double? = nil) {
    self.init(script: ScenarioScript.random(kind: kind, seed: seed, camera: camera, seconds: seconds))
  }

  /// Seconds from the start to frame `index`.
  public func time(frame index: Int) -> Double { Double(index) / fps }

  /// The relation of every actor to the ego at frame `index`.
  public func relations(frame index: Int) -> [EgoRelation] {
    let egoState = ego[min(index, ego.count - 1)]
    return actors.map { EgoRelation(ego: egoState, actor: $0, state: $0.state(frame: index)) }
  }
}
