#if canImport(Glibc)
  import Glibc
#endif

/// Steps scripted road users and the ego through time (4 sub-steps per frame) and records one
/// state per frame.
enum Simulator {
  static let subSteps = 4

  static func run(_ plan: ActorPlan, frames: Int, fps: Double) -> Actor {
    let dt = 1 / (fps * Double(subSteps))
    var states: [ActorState] = []
    states.reserveCapacity(frames)
    var state = ActorState(s: plan.s, d: plan.d)
    var speed = 0.0
    var startD = plan.d
    var activeLaneChange = -1
    switch plan.motion {
    case .driving(let v, let oncoming, _, _):
      speed = v
      state.yaw = oncoming ? .pi : 0
      state.speedS = oncoming ? -v : v
    case .crossing(_, _, let toD): state.yaw = toD > plan.d ? .pi / 2 : -.pi / 2
    case .walking(let v):
      state.yaw = v >= 0 ? 0 : .pi
      state.speedS = v
    case .parked: break
    }
    var time = 0.0
    for _ in 0..<frames {
      states.append(state)
      for _ in 0..<subSteps {
        time += dt
        switch plan.motion {
        case .driving(_, let oncoming, let speedChanges, let laneChanges):
          let acceleration = accelerationTowards(speedChanges, time: time, speed: speed)
          speed = max(0, speed + acceleration * dt)
          let direction = oncoming ? -1.0 : 1.0
          let previousD = state.d
          if let index = laneChanges.lastIndex(where: { $0.time <= time }) {
            if index != activeLaneChange {
              activeLaneChange = index
              startD = state.d
            }
            let change = laneChanges[index]
            let u = min(1, (time - change.time) / change.duration)
            state.d = startD + (change.toD - startD) * (1 - cos(.pi * u)) / 2
          }
          state.speedS = direction * speed
          state.speedD = (state.d - previousD) / dt
          state.s += state.speedS * dt
          state.acceleration = acceleration
          state.yaw = speed > 0.5 ? atan2(state.speedD, state.speedS) : (oncoming ? .pi : 0)
          state.travelled += speed * dt
        case .crossing(let startTime, let v, let toD):
          let remaining = toD - state.d
          if time >= startTime && abs(remaining) > 1e-9 {
            let step = min(abs(remaining), v * dt)
            state.d += remaining > 0 ? step : -step
            state.speedD = (remaining > 0 ? 1 : -1) * step / dt
            state.travelled += step
          } else {
            state.speedD = 0
          }
        case .walking(let v):
          state.s += v * dt
          state.speedS = v
          state.travelled += abs(v) * dt
        case .parked: break
        }
      }
    }
    return Actor(
      track: plan.track, kind: plan.kind, size: plan.size, colour: plan.colour,
      secondColour: plan.secondColour,
      skin: plan.skin, isParked: plan.motion == .parked, states: states)
  }

  static func accelerationTowards(_ changes: [SpeedChange], time: Double, speed: Double) -> Double {
    guard let change = changes.last(where: { $0.time <= time }) else { return 0 }
    let difference = change.targetSpeed - speed
    if abs(difference) < 1e-6 { return 0 }
    return difference > 0 ? change.rate : -change.rate
  }

  /// The ego's trajectory, reacting (per its plan) to the scripted users in `actors`.
  static func runEgo(_ plan: EgoPlan, actors: [Actor], frames: Int, fps: Double, weavePhase: Double)
    -> [ActorState]
  {
    let dt = 1 / (fps * Double(subSteps))
    var states: [ActorState] = []
    states.reserveCapacity(frames)
    var speed = plan.speed
    var state = ActorState(s: 0, d: 0, speedS: speed)
    var braking = false
    var time = 0.0
    func weave(_ t: Double) -> Double { plan.weave * sin(2 * .pi * t / plan.weavePeriod + weavePhase) }
    state.d = weave(0)
    for frame in 0..<frames {
      states.append(state)
      for step in 0..<subSteps {
        let fraction = Double(step) / Double(subSteps)
        var acceleration = accelerationTowards(plan.speedChanges, time: time, speed: speed)
        var threat = false
        var nearest = Double.infinity
        for actor in actors {
          let other = actor.state(frame: frame).blended(actor.state(frame: frame + 1), fraction)
          let relation = EgoRelation(ego: state, actor: actor, state: other)
          guard relation.inEgoPath else { continue }
          nearest = min(nearest, relation.gap)
          // Adaptive cruise follows traffic going its way, not cross traffic.
          if let headway = plan.followHeadway, abs(other.yaw) < 0.5 {
            let desired = 4 + headway * speed
            let follow = 0.25 * (relation.gap - desired) - 0.9 * relation.closingSpeed
            acceleration = min(acceleration, max(-4, min(1.5, follow)))
          }
          guard plan.reactionTTC != nil, relation.closingSpeed > 0.1 else { continue }
          // What stopping in time takes. With a lead braking harder than the ego, the gap is
          // concave in time and least when both have stopped, so stopping 2 m behind the lead's
          // stopping point suffices; otherwise the relative motion must also stop in the room left.
          let room = max(relation.gap - 2, 0.3)
          let leadBraking = max(0, -other.acceleration)
          var needed = relation.closingSpeed * relation.closingSpeed / (2 * room) + leadBraking
          if leadBraking > 0.5 && other.speedS > 0 {
            let leadStops = other.speedS * other.speedS / (2 * leadBraking)
            let stopBehind = speed * speed / (2 * max(0.3, relation.gap + leadStops - 2))
            needed = stopBehind > leadBraking ? max(stopBehind, needed) : stopBehind
          }
          let late = relation.ttc.map { $0 < plan.reactionTTC! } ?? false
          // A driver who notices a lead braking hard still reacts late: not before TTC 1.9 s.
          let hard =
            plan.reactionDeceleration.map {
              leadBraking > 0.5 && needed > $0 && (relation.ttc ?? .infinity) < 1.9
            }
            ?? false
          if late || hard || braking {
            threat = true
            acceleration = min(acceleration, -min(plan.maximumBraking, max(3, needed * 1.1)))
          }
        }
        braking = threat
        // After a scare the driver gets back to the cruising speed once the road ahead is clear.
        if !threat && plan.speedChanges.isEmpty && speed < plan.speed && nearest > 30 + 2 * speed {
          acceleration = max(acceleration, 1.2)
        }
        speed = max(0, speed + acceleration * dt)
        time += dt
        state.s += speed * dt
        let d = weave(time)
        state.speedD = (d - state.d) / dt
        state.d = d
        state.speedS = speed
        state.acceleration = acceleration
        state.yaw = speed > 0.5 ? atan2(state.speedD, speed) : 0
        state.travelled += speed * dt
      }
    }
    return states
  }
}
