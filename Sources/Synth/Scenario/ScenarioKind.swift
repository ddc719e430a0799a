/// The kinds of scenario the generator makes; the raw value is the name in labels and on the
/// command line.
public enum ScenarioKind: String, Sendable, Hashable, Codable, CaseIterable {
  /// Following a lead vehicle at a safe headway (no near miss).
  case safeFollowing = "safe-following"
  /// The lead vehicle brakes hard; the ego reacts late.
  case leadBraking = "lead-braking"
  /// A vehicle from the next lane cuts in close ahead, then slows.
  case cutIn = "cut-in"
  /// A pedestrian steps out between parked cars.
  case pedestrianStepOut = "pedestrian-step-out"
  /// A cyclist crosses the ego's path at an intersection.
  case cyclistCrossing = "cyclist-crossing"
  /// An oncoming vehicle drifts into the ego's lane and back.
  case oncomingDrift = "oncoming-drift"
  /// Minutes of uneventful driving (for false alarms per hour).
  case longDrive = "long-drive"

  /// Whether the scenario is built to contain a near miss.
  public var hasNearMiss: Bool {
    switch self {
    case .safeFollowing, .longDrive: false
    default: true
    }
  }
}
