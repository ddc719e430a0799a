/// Drawing scripts from a seed: every speed, distance, timing, vehicle type, road and condition
/// comes from the seed's own stream.
extension ScenarioScript {
  /// Default length of each kind in seconds.
  public static func defaultSeconds(_ kind: ScenarioKind) -> Double {
    kind == .longDrive ? 120 : 10
  }

  /// A random script of `kind` for `seed`. `camera` fixes the resolution; its field of view,
  /// mount height and pitch are drawn from the seed unless `randomCamera` is false.
  public static func random(
    kind: ScenarioKind, seed: UInt64, camera: PinholeCamera? = nil, seconds: Double? = nil,
    randomCamera: Bool = true
  ) -> ScenarioScript {
    var random = SynthRandom(seed: seed, stream: UInt64(ScenarioKind.allCases.firstIndex(of: kind)!) + 1)
    let seconds = seconds ?? defaultSeconds(kind)
    var lens = camera ?? PinholeCamera()
    if randomCamera {
      lens.horizontalFOVDegrees = random.uniform(60, 100)
      lens.mountHeight = random.uniform(1.15, 1.6)
      lens.pitchDegrees = random.uniform(-1, 4)
    }
    let conditions = Conditions.random(&random)
    var builder = ScriptBuilder(kind: kind, seconds: seconds, random: random)
    builder.build()
    return ScenarioScript(
      kind: kind, seed: seed, seconds: seconds, camera: lens, conditions: conditions, road: builder.road,
      ego: builder.ego, actors: builder.actors, clutter: builder.clutter)
  }
}

/// The per-kind recipes behind `ScenarioScript.random`.
struct ScriptBuilder {
  let kind: ScenarioKind
  let seconds: Double
  var random: SynthRandom
  var road: Road
  var ego: EgoPlan
  var actors: [ActorPlan] = []
  var clutter: Double

  init(kind: ScenarioKind, seconds: Double, random: SynthRandom) {
    self.kind = kind
    self.seconds = seconds
    var random = random
    let urban = [.pedestrianStepOut, .cyclistCrossing].contains(kind) || random.chance(0.5)
    let speed = urban ? random.uniform(8, 14) : random.uniform(14, 26)
    ego = EgoPlan(
      speed: speed, reactionTTC: random.uniform(0.8, 1.4), weave: random.uniform(0, 0.25),
      weavePeriod: random.uniform(5, 12))
    clutter = urban ? random.uniform(0.6, 1) : random.uniform(0.2, 0.6)
    let lanes = kind == .cutIn ? 2 : (random.chance(urban ? 0.2 : 0.4) ? 2 : 1)
    let oncoming = kind == .oncomingDrift ? 1 : random.integer(lanes == 2 ? 1...2 : 0...1)
    let length = speed * seconds + 400
    let bend = kind == .longDrive ? 1 / 250.0 : 1 / 600.0
    var segments: [(length: Double, curvature: Double)] = []
    var covered = 0.0
    while covered < length + 200 {
      let piece = random.uniform(80, 300)
      segments.append((piece, random.chance(0.5) ? 0 : random.uniform(-bend, bend)))
      covered += piece
    }
    var crossings: [Double] = []
    if urban {
      var at = random.uniform(60, 200)
      while at < length {
        crossings.append(at)
        at += random.uniform(120, 300)
      }
    }
    road = Road(
      laneWidth: random.uniform(3.0, 3.7), sameDirectionLanes: lanes, oncomingLanes: max(oncoming, 1),
      drivesOnLeft: random.chance(0.5),
      shoulderWidth: urban || kind == .pedestrianStepOut
        ? random.uniform(2.1, 2.6) : random.uniform(0.3, 1.2),
      sidewalkWidth: random.uniform(1.5, 3.5), intersections: crossings,
      crossStreetWidth: random.uniform(9, 14), yellowCentreLine: random.chance(0.5),
      curvature: segments, length: length)
    self.random = random
  }

  var nextTrack: Int { actors.count + 1 }

  mutating func add(_ kind: ActorKind, s: Double, d: Double, motion: Motion, size: SIMD3<Double>? = nil) {
    actors.append(
      ActorPlan(track: nextTrack, kind: kind, s: s, d: d, motion: motion, size: size, random: &random))
  }

  mutating func vehicleKind(large: Double = 0.2, twoWheeler: Double = 0.08) -> ActorKind {
    random.pick([
      (ActorKind.car, 0.55), (.van, 0.17), (.truck, large * 0.6), (.bus, large * 0.4),
      (.motorcycle, twoWheeler),
    ])
  }

  mutating func build() {
    let v = ego.speed
    switch kind {
    case .safeFollowing, .longDrive:
      ego.followHeadway = random.uniform(1.8, 2.6)
      let leadSpeed = v * random.uniform(0.9, 1.0)
      var changes: [SpeedChange] = []
      var t = random.uniform(2, 6)
      while t < seconds {
        changes.append(
          SpeedChange(
            time: t, rate: random.uniform(0.3, 0.9), targetSpeed: leadSpeed * random.uniform(0.75, 1.1)))
        t += random.uniform(5, 15)
      }
      if kind == .longDrive && random.chance(0.3) {
        // Some long drives have an empty road ahead.
      } else {
        let gap = ego.followHeadway! * v + random.uniform(4, 15)
        add(
          vehicleKind(), s: gap + 3, d: 0,
          motion: .driving(speed: leadSpeed, oncoming: false, speedChanges: changes, laneChanges: []))
      }
    case .leadBraking:
      let gap = random.uniform(8, 20) + v * random.uniform(0.3, 0.6)
      let brakeAt = random.uniform(2, 4.5)
      let rate = random.uniform(5, 8)
      // A late but firm reaction: close, without running into the lead.
      ego.reactionTTC = random.uniform(1.0, 1.5)
      ego.reactionDeceleration = random.uniform(6.5, 8)
      ego.maximumBraking = 9.5
      let target = v * (random.chance(0.5) ? 0 : random.uniform(0.2, 0.5))
      add(
        vehicleKind(large: 0.25, twoWheeler: 0.1), s: gap + 3, d: 0,
        motion: .driving(
          speed: v, oncoming: false,
          speedChanges: [SpeedChange(time: brakeAt, rate: rate, targetSpeed: target)],
          laneChanges: []))
    case .cutIn:
      let faster = random.uniform(3, 7)
      let mergeAt = random.uniform(2, 4)
      let aheadAtMerge = random.uniform(3, 10)
      let startS = aheadAtMerge - faster * mergeAt + 2
      let duration = random.uniform(1.5, 2.8)
      let slowTo = max(0, v - random.uniform(4, 9))
      add(
        vehicleKind(large: 0.1, twoWheeler: 0.1), s: startS, d: road.laneCentre(1),
        motion: .driving(
          speed: v + faster, oncoming: false,
          speedChanges: [
            SpeedChange(time: mergeAt + duration * 0.6, rate: random.uniform(3, 6), targetSpeed: slowTo)
          ],
          laneChanges: [LaneChange(time: mergeAt, duration: duration, toD: random.uniform(-0.3, 0.3))]))
    case .pedestrianStepOut:
      let enterAt = random.uniform(3, 6)
      let ttcAtEntry = random.uniform(1.2, 2.4)
      let walkSpeed = random.uniform(1.2, 2.6)
      let s = v * enterAt + ttcAtEntry * v + 0.2
      let side = road.kerbSide
      let startD = road.parkingLane ?? side * (road.laneWidth / 2 + road.shoulderWidth / 2)
      let entryD = side * (EgoRelation.corridorHalfWidth + 0.25 + ego.weave)
      let startTime = enterAt - abs(startD - entryD) / walkSpeed
      let toD = road.oncomingLaneCentre(0)
      add(.pedestrian, s: s, d: startD, motion: .crossing(startTime: startTime, speed: walkSpeed, toD: toD))
      if let parking = road.parkingLane {
        var behind = s - 0.7
        for _ in 0..<random.integer(2...4) {
          let car = vehicleKind(large: 0.05, twoWheeler: 0)
          var size = car.randomSize(&random)
          if car == .truck || car == .bus { size.y = min(size.y, 3.2) }
          add(car, s: behind - size.z / 2, d: parking, motion: .parked, size: size)
          behind -= size.z + random.uniform(0.8, 4)
        }
        var ahead = s + 0.8
        for _ in 0..<random.integer(1...3) {
          let size = ActorKind.car.randomSize(&random)
          add(.car, s: ahead + size.z / 2, d: parking, motion: .parked, size: size)
          ahead += size.z + random.uniform(0.8, 4)
        }
      }
    case .cyclistCrossing:
      let enterAt = random.uniform(3, 6)
      let ttcAtEntry = random.uniform(1.0, 2.2)
      let rideSpeed = random.uniform(3.5, 6.5)
      let s = v * enterAt + ttcAtEntry * v + 0.3
      road.intersections.removeAll { abs($0 - s) < 60 }
      road.intersections.append(s)
      let fromSide = random.chance(0.6) ? road.kerbSide : -road.kerbSide
      let kerb = fromSide == road.kerbSide ? road.nearKerb : road.farKerb
      let entryD = fromSide * (EgoRelation.corridorHalfWidth + 0.9 + ego.weave)
      // Start on the cross street beyond the sidewalk, but no earlier than half a second in.
      let approach = min(abs(kerb - entryD) + road.sidewalkWidth + 4, rideSpeed * (enterAt - 0.5))
      let startD = entryD + fromSide * approach
      let startTime = enterAt - approach / rideSpeed
      let toD = (fromSide == road.kerbSide ? road.farKerb : road.nearKerb) - fromSide * 6
      add(
        random.chance(0.8) ? .bicycle : .pedestrian, s: s, d: startD,
        motion: .crossing(startTime: startTime, speed: rideSpeed, toD: toD))
    case .oncomingDrift:
      let vo = random.uniform(8, 20)
      let closing = v + vo
      let driftAt = random.uniform(2, 4)
      let duration = random.uniform(1.2, 1.8)
      let entryTTC = random.uniform(2.4, 3.2)
      let kind = vehicleKind(large: 0.2, twoWheeler: 0.15)
      let size = kind.randomSize(&random)
      let inPathAt = driftAt + duration / 2
      let s = closing * (inPathAt + entryTTC) + size.z / 2
      let lane = road.oncomingLaneCentre(0)
      let back = LaneChange(
        time: driftAt + duration + random.uniform(0.2, 0.5), duration: duration, toD: lane)
      add(
        kind, s: s, d: lane,
        motion: .driving(
          speed: vo, oncoming: true, speedChanges: [],
          laneChanges: [
            LaneChange(time: driftAt, duration: duration, toD: -road.kerbSide * random.uniform(0.2, 1.0)),
            back,
          ]),
        size: size)
    }
    addTraffic()
  }

  /// Harmless traffic: oncoming vehicles in their lanes, vehicles in the next lane, people on the
  /// sidewalks and parked cars. None of it ever enters the ego's corridor.
  mutating func addTraffic() {
    let v = ego.speed
    let span = v * seconds + 150
    let oncomingCount = Int(seconds * random.uniform(0.1, 0.35)) + random.integer(0...2)
    for _ in 0..<oncomingCount {
      let vo = random.uniform(8, 20)
      let meet = random.uniform(0, seconds + 6)
      let lane = road.oncomingLaneCentre(random.integer(0...(road.oncomingLanes - 1)))
      add(
        vehicleKind(), s: (v + vo) * meet, d: lane,
        motion: .driving(speed: vo, oncoming: true, speedChanges: [], laneChanges: []))
    }
    if road.sameDirectionLanes > 1 {
      var s = random.uniform(-40, 0)
      let cutter = kind == .cutIn ? actors.first?.s : nil
      // One speed for the whole lane, so its vehicles never run into each other.
      let laneSpeed = max(3, v + random.uniform(-1.5, 1.5))
      while s < min(span, 200) {
        if cutter.map({ abs(s - $0) > 35 }) ?? true {
          add(
            vehicleKind(), s: s, d: road.laneCentre(1) + random.uniform(-0.3, 0.3),
            motion: .driving(speed: laneSpeed, oncoming: false, speedChanges: [], laneChanges: []))
        }
        s += random.uniform(25, 90)
      }
    }
    // Cross traffic at intersections, seen from the side: it clears the ego's corridor while the
    // ego is still more than 4 s away, so it is never a near miss.
    let busy = kind == .cyclistCrossing ? actors.first?.s : nil
    for crossing in road.intersections where crossing > 20 && crossing < span && random.chance(0.6) {
      if let busy, abs(busy - crossing) < 40 { continue }
      let kind = vehicleKind(large: 0.15, twoWheeler: 0.1)
      let size = kind.randomSize(&random)
      let speed = random.uniform(6, 12)
      let side = random.sign()
      let clearAt = crossing / v - random.uniform(4.5, 9)
      let exitD = -side * (EgoRelation.corridorHalfWidth + ego.weave + 0.5 + size.z / 2)
      let startD = side * 40
      let startTime = clearAt - abs(startD - exitD) / speed
      guard startTime >= 0 else { continue }
      let lane = road.crossStreetWidth / 4 * (side > 0 ? -1 : 1)
      add(
        kind, s: crossing + lane, d: startD,
        motion: .crossing(startTime: startTime, speed: speed, toD: -side * 40), size: size)
    }
    let walkers = Int(span / 60 * random.uniform(0, 1.5))
    for _ in 0..<walkers {
      let side = random.chance(0.5) ? 1.0 : -1.0
      let kerb = side == road.kerbSide ? road.nearKerb : road.farKerb
      let d = kerb + side * random.uniform(0.4, road.sidewalkWidth - 0.3)
      add(
        .pedestrian, s: random.uniform(10, span), d: d,
        motion: .walking(speed: random.sign() * random.uniform(0.8, 1.6)))
    }
    if let parking = road.parkingLane, kind != .pedestrianStepOut {
      var s = random.uniform(10, 60)
      while s < span {
        if road.intersection(at: s) == nil && road.intersection(at: s + 6) == nil && random.chance(0.5) {
          add(vehicleKind(large: 0.05, twoWheeler: 0.05), s: s, d: parking, motion: .parked)
        }
        s += random.uniform(6, 25)
      }
    }
  }
}
