/// From `time` on, change speed towards `targetSpeed` at `rate` m/s^2 (a magnitude).
public struct SpeedChange: Sendable, Hashable, Codable {
  public var time: Double
  public var rate: Double
  public var targetSpeed: Double

  public init(time: Double, rate: Double, targetSpeed: Double) {
    self.time = time
    self.rate = rate
    self.targetSpeed = targetSpeed
  }
}

/// From `time` on, move sideways to `toD` over `duration` seconds (a smooth cosine profile).
public struct LaneChange: Sendable, Hashable, Codable {
  public var time: Double
  public var duration: Double
  public var toD: Double

  public init(time: Double, duration: Double, toD: Double) {
    self.time = time
    self.duration = duration
    self.toD = toD
  }
}

/// How a scripted road user moves. Scripted users do not react to anyone: scenarios time them so
/// that near misses happen where intended.
public enum Motion: Sendable, Hashable {
  /// Drives along the road at `speed` m/s, towards +s (`oncoming` false) or -s.
  case driving(speed: Double, oncoming: Bool, speedChanges: [SpeedChange], laneChanges: [LaneChange])
  /// Stands, then from `startTime` walks (or rides) straight across the road to `toD` at `speed`,
  /// and stands there.
  case crossing(startTime: Double, speed: Double, toD: Double)
  /// Walks along the road at `speed` (negative walks towards -s).
  case walking(speed: Double)
  /// Does not move.
  case parked
}

/// One scripted road user: what it is, where it starts and how it moves.
public struct ActorPlan: Sendable {
  public var track: Int
  public var kind: ActorKind
  public var size: SIMD3<Double>
  public var s: Double
  public var d: Double
  public var motion: Motion
  var colour: SIMD3<Float>
  var secondColour: SIMD3<Float>
  var skin: SIMD3<Float>

  /// A plan with colours drawn from `random`.
  public init(
    track: Int, kind: ActorKind, s: Double, d: Double, motion: Motion, size: SIMD3<Double>? = nil,
    random: inout SynthRandom
  ) {
    self.track = track
    self.kind = kind
    self.size = size ?? kind.randomSize(&random)
    self.s = s
    self.d = d
    self.motion = motion
    colour = kind == .pedestrian || kind == .bicycle ? random.pick(Paint.clothes) : random.pick(Paint.vehicle)
    secondColour = random.pick(Paint.clothes)
    skin = random.pick(Paint.skin)
  }
}

/// How the ego drives. It never swerves; it may follow at a time headway (adaptive cruise) and
/// may brake late, once the true time-to-collision is already short, so near misses happen but
/// collisions mostly do not.
public struct EgoPlan: Sendable, Hashable {
  public var speed: Double
  public var speedChanges: [SpeedChange]
  /// Keeps this time gap (s) to whatever is ahead in its path (nil: an inattentive driver).
  public var followHeadway: Double?
  /// Brakes hard once the time-to-collision falls below this (nil: never reacts).
  public var reactionTTC: Double?
  /// Also brakes, once the time-to-collision is under 1.9 s, when stopping behind a braking lead
  /// needs more than this deceleration (m/s^2); nil: only `reactionTTC` triggers braking.
  public var reactionDeceleration: Double?
  /// The hardest braking the ego uses (m/s^2).
  public var maximumBraking: Double
  /// Amplitude (m) and period (s) of the driver's gentle weave inside the lane.
  public var weave: Double
  public var weavePeriod: Double

  public init(
    speed: Double, speedChanges: [SpeedChange] = [], followHeadway: Double? = nil, reactionTTC: Double? = nil,
    reactionDeceleration: Double? = nil, maximumBraking: Double = 8.5, weave: Double = 0,
    weavePeriod: Double = 8
  ) {
    self.reactionDeceleration = reactionDeceleration
    self.speed = speed
    self.speedChanges = speedChanges
    self.followHeadway = followHeadway
    self.reactionTTC = reactionTTC
    self.maximumBraking = maximumBraking
    self.weave = weave
    self.weavePeriod = weavePeriod
  }
}
