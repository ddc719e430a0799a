/// Everything a scenario is made from before it is simulated: the road, the look, the camera, the
/// ego's plan and every scripted road user. `ScenarioScript.random` draws one from a seed; tests
/// write one by hand to check the physics against a formula.
public struct ScenarioScript: Sendable {
  public var kind: ScenarioKind
  public var seed: UInt64
  public var fps: Double
  public var seconds: Double
  public var camera: PinholeCamera
  public var conditions: Conditions
  public var road: Road
  public var ego: EgoPlan
  public var actors: [ActorPlan]
  /// Roadside clutter (buildings, trees, poles) per 10 m of road side, 0 ... 1.
  public var clutter: Double

  public init(
    kind: ScenarioKind, seed: UInt64, fps: Double = 30, seconds: Double, camera: PinholeCamera,
    conditions: Conditions, road: Road, ego: EgoPlan, actors: [ActorPlan], clutter: Double = 0.7
  ) {
    self.kind = kind
    self.seed = seed
    self.fps = fps
    self.seconds = seconds
    self.camera = camera
    self.conditions = conditions
    self.road = road
    self.ego = ego
    self.actors = actors
    self.clutter = clutter
  }

  /// A straight road with `lanes` same-direction lanes and one oncoming lane, for hand-written
  /// scripts.
  public static func straightRoad(
    lanes: Int = 1, oncomingLanes: Int = 1, length: Double = 2000, shoulder: Double = 2.2,
    intersections: [Double] = []
  ) -> Road {
    Road(
      laneWidth: 3.5, sameDirectionLanes: lanes, oncomingLanes: oncomingLanes, drivesOnLeft: false,
      shoulderWidth: shoulder, sidewalkWidth: 2.5, intersections: intersections, crossStreetWidth: 12,
      yellowCentreLine: false, curvature: [(length + 200, 0)], length: length)
  }
}
