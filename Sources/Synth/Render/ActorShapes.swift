#if canImport(Glibc)
  import Glibc
#endif

/// How vehicle lamps look in a frame.
struct Lamps {
  /// Headlights and tail lights are on (dusk and night).
  var on: Bool
  /// Brake lights are lit.
  var braking: Bool

  var tail: SIMD3<Float> {
    braking ? SIMD3(2.2, 0.08, 0.03) : (on ? SIMD3(0.9, 0.03, 0.01) : .zero)
  }
  var head: SIMD3<Float> { on ? SIMD3(3, 2.9, 2.5) : .zero }
}

/// The shapes of road users, in local coordinates (x right, y up, z forward; origin at the centre
/// of the footprint on the road), scaled to each user's size.
extension Mesh {
  mutating func addActor(_ actor: Actor, state: ActorState, lamps: Lamps, _ at: Placement) {
    switch actor.kind {
    case .car: addCar(actor, lamps, at)
    case .van: addVan(actor, lamps, at)
    case .truck: addTruck(actor, lamps, at)
    case .bus: addBus(actor, lamps, at)
    case .motorcycle: addTwoWheeler(actor, state: state, motor: true, lamps, at)
    case .bicycle: addTwoWheeler(actor, state: state, motor: false, lamps, at)
    case .pedestrian: addPedestrian(actor, state: state, at)
    }
  }

  private mutating func addLamps(
    width: Double, length: Double, tailY: ClosedRange<Double>, headY: ClosedRange<Double>,
    inset: Double = 0.06, lampWidth: Double = 0.28, _ lamps: Lamps, _ at: Placement
  ) {
    let outer = width / 2 - inset
    let inner = outer - lampWidth
    let rear = -length / 2 - 0.015
    let front = length / 2 + 0.015
    for side in [-1.0, 1.0] {
      let x = side < 0 ? (-outer)...(-inner) : inner...outer
      addPanel(
        x: x, y: tailY, z: rear, facingForward: false, albedo: Paint.tailLight, emissive: lamps.tail, at)
      addPanel(
        x: x, y: headY, z: front, facingForward: true, albedo: Paint.headLight, emissive: lamps.head, at)
      let centreX = side * (outer + inner) / 2
      let backwards = at.place(SIMD3(0, 0, -1)) - at.place(.zero)
      if lamps.on || lamps.braking {
        glows.append(
          Glow(
            position: at.place(SIMD3(centreX, (tailY.lowerBound + tailY.upperBound) / 2, rear - 0.05)),
            colour: lamps.tail, radius: 0.3, direction: backwards, id: at.id))
      }
      if lamps.on {
        glows.append(
          Glow(
            position: at.place(SIMD3(centreX, (headY.lowerBound + headY.upperBound) / 2, front + 0.05)),
            colour: lamps.head, radius: 0.6, direction: -backwards, id: at.id))
      }
    }
  }

  private mutating func addWheels(width: Double, axles: [Double], radius: Double, _ at: Placement) {
    for z in axles {
      for side in [-1.0, 1.0] {
        addWheel(
          centre: SIMD3(side * (width / 2 - 0.14), radius, z), radius: radius, width: 0.26,
          albedo: Paint.tyre, at)
      }
    }
  }

  mutating func addCar(_ actor: Actor, _ lamps: Lamps, _ at: Placement) {
    let w = actor.size.x
    let h = actor.size.y
    let l = actor.size.z
    let beltLine = 0.56 * h
    let body = actor.colour
    addWheels(width: w, axles: [l / 2 - 0.85, -l / 2 + 0.8], radius: 0.32, at)
    add(Part(SIMD3(0, (0.2 + beltLine) / 2, 0), SIMD3(w / 2, (beltLine - 0.2) / 2, l / 2), body), at)
    add(
      Part(
        SIMD3(0, (beltLine + h) / 2, -0.06 * l), SIMD3(w / 2 * 0.94, (h - beltLine) / 2, l * 0.27),
        Paint.glass,
        top: body, topScale: SIMD2(0.86, 0.62), topShift: -0.03 * l), at)
    addPanel(
      x: -0.26...0.26, y: 0.32...0.46, z: -l / 2 - 0.012, facingForward: false, albedo: Paint.plate, at)
    addPanel(
      x: (-w / 2)...(w / 2), y: 0.12...0.26, z: -l / 2 - 0.01, facingForward: false, albedo: body * 0.4, at)
    addLamps(
      width: w, length: l, tailY: (beltLine - 0.2)...(beltLine - 0.04),
      headY: (beltLine - 0.22)...(beltLine - 0.08), lamps, at)
  }

  mutating func addVan(_ actor: Actor, _ lamps: Lamps, _ at: Placement) {
    let w = actor.size.x
    let h = actor.size.y
    let l = actor.size.z
    let body = actor.colour
    addWheels(width: w, axles: [l / 2 - 0.9, -l / 2 + 0.9], radius: 0.34, at)
    add(Part(SIMD3(0, 0.25 + 0.3, -0.45), SIMD3(w / 2, 0.3, l / 2 - 0.45), body), at)
    add(Part(SIMD3(0, (0.85 + h) / 2, -0.45), SIMD3(w / 2, (h - 0.85) / 2, l / 2 - 0.45), body), at)
    add(
      Part(
        SIMD3(0, 0.62, l / 2 - 0.45), SIMD3(w / 2, 0.37, 0.45), body, topScale: SIMD2(1, 0.6), topShift: -0.15
      ), at)
    addPanel(
      x: (-w / 2 + 0.15)...(w / 2 - 0.15), y: (h - 0.75)...(h - 0.2), z: -l / 2 - 0.012, facingForward: false,
      albedo: Paint.glass, at)
    addPanel(
      x: (-w / 2 + 0.1)...(w / 2 - 0.1), y: 1.05...(h - 0.15), z: l / 2 - 0.9 + 0.012, facingForward: true,
      albedo: Paint.glass, at)
    for side in [-1.0, 1.0] {
      addSidePanel(
        x: side * (w / 2 + 0.012), y: 1.15...(h - 0.25), z: (l / 2 - 2.2)...(l / 2 - 0.95),
        facingRight: side > 0,
        albedo: Paint.glass, at)
    }
    addPanel(
      x: -0.26...0.26, y: 0.38...0.52, z: -l / 2 - 0.014, facingForward: false, albedo: Paint.plate, at)
    addLamps(width: w, length: l, tailY: 0.7...1.0, headY: 0.62...0.78, lampWidth: 0.22, lamps, at)
  }

  mutating func addTruck(_ actor: Actor, _ lamps: Lamps, _ at: Placement) {
    let w = actor.size.x
    let h = actor.size.y
    let l = actor.size.z
    let cab = 2.2
    let cabHeight = min(h, 2.9)
    let body = actor.colour
    let cargo = actor.secondColour * 0.5 + SIMD3(0.35, 0.35, 0.35)
    addWheels(width: w, axles: [l / 2 - 1.1, -l / 2 + 1.3, -l / 2 + 2.6], radius: 0.5, at)
    add(
      Part(
        SIMD3(0, (0.5 + cabHeight) / 2, l / 2 - cab / 2), SIMD3(w / 2 - 0.05, (cabHeight - 0.5) / 2, cab / 2),
        body), at)
    addPanel(
      x: (-w / 2 + 0.2)...(w / 2 - 0.2), y: (cabHeight - 1.1)...(cabHeight - 0.25), z: l / 2 + 0.012,
      facingForward: true, albedo: Paint.glass, at)
    add(Part(SIMD3(0, 0.85, -cab / 2), SIMD3(w / 2 - 0.3, 0.2, l / 2 - cab / 2), Paint.tyre * 3), at)
    add(
      Part(
        SIMD3(0, (1.05 + h) / 2, -cab / 2 - 0.1), SIMD3(w / 2, (h - 1.05) / 2, l / 2 - cab / 2 - 0.1), cargo),
      at)
    addPanel(
      x: (-w / 2 + 0.1)...(w / 2 - 0.1), y: 0.45...0.6, z: -l / 2 - 0.01, facingForward: false,
      albedo: Paint.tyre * 4, at)
    addPanel(x: -0.26...0.26, y: 0.75...0.9, z: -l / 2 - 0.014, facingForward: false, albedo: Paint.plate, at)
    addLamps(width: w, length: l, tailY: 0.7...0.95, headY: 0.7...0.95, lampWidth: 0.25, lamps, at)
  }

  mutating func addBus(_ actor: Actor, _ lamps: Lamps, _ at: Placement) {
    let w = actor.size.x
    let h = actor.size.y
    let l = actor.size.z
    let body = actor.colour
    addWheels(width: w, axles: [l / 2 - 2.4, -l / 2 + 2.8], radius: 0.5, at)
    add(Part(SIMD3(0, (0.35 + h) / 2, 0), SIMD3(w / 2, (h - 0.35) / 2, l / 2), body), at)
    for side in [-1.0, 1.0] {
      addSidePanel(
        x: side * (w / 2 + 0.012), y: 1.25...(h - 0.3), z: (-l / 2 + 0.6)...(l / 2 - 2),
        facingRight: side > 0,
        albedo: Paint.glass, at)
    }
    addPanel(
      x: (-w / 2 + 0.25)...(w / 2 - 0.25), y: (h - 1.1)...(h - 0.3), z: -l / 2 - 0.012, facingForward: false,
      albedo: Paint.glass, at)
    addPanel(
      x: (-w / 2 + 0.1)...(w / 2 - 0.1), y: 1.1...(h - 0.2), z: l / 2 + 0.012, facingForward: true,
      albedo: Paint.glass, at)
    addPanel(x: -0.26...0.26, y: 0.5...0.65, z: -l / 2 - 0.014, facingForward: false, albedo: Paint.plate, at)
    addLamps(width: w, length: l, tailY: 0.8...1.15, headY: 0.6...0.8, lampWidth: 0.22, lamps, at)
  }

  mutating func addTwoWheeler(_ actor: Actor, state: ActorState, motor: Bool, _ lamps: Lamps, _ at: Placement)
  {
    let l = actor.size.z
    let h = actor.size.y
    let radius = motor ? 0.31 : 0.34
    let axle = l / 2 - radius
    for z in [axle, -axle] {
      addWheel(
        centre: SIMD3(0, radius, z), radius: radius, width: motor ? 0.13 : 0.05, albedo: Paint.tyre, at)
    }
    if motor {
      add(Part(SIMD3(0, 0.6, 0), SIMD3(0.2, 0.25, l * 0.33), actor.colour, topScale: SIMD2(0.8, 0.8)), at)
      addLamps(
        width: 0.5, length: l * 0.7, tailY: 0.75...0.85, headY: 0.8...0.95, inset: 0.17, lampWidth: 0.16,
        lamps, at)
    } else {
      add(Part(SIMD3(0, 0.6, 0), SIMD3(0.025, 0.03, l * 0.3), actor.secondColour * 0.5), at)
      add(Part(SIMD3(0, 0.75, -0.1), SIMD3(0.025, 0.18, 0.025), actor.secondColour * 0.5), at)
      addPanel(
        x: -0.05...0.05, y: 0.85...0.9, z: -l / 2 + 0.05, facingForward: false, albedo: Paint.tailLight,
        emissive: lamps.tail, at)
    }
    // The rider: seated, leaning forward, legs pedalling on a bicycle.
    let seat = motor ? 0.85 : 0.95
    let riderScale = (h - seat) / 0.8
    let phase = state.travelled / (2 * .pi * 0.34) * 2 * .pi / 2.5
    for side in [-1.0, 1.0] {
      let swing = motor ? -0.9 : -0.6 + 0.5 * sin(phase + (side > 0 ? 0 : .pi))
      add(
        Part(
          SIMD3(side * 0.13, seat - 0.22, -0.05), SIMD3(0.07, 0.24, 0.07), actor.secondColour * 0.6,
          swing: swing, pivot: SIMD3(0, seat, -0.05)), at)
    }
    add(
      Part(
        SIMD3(0, seat + 0.3 * riderScale, 0.05), SIMD3(0.19, 0.3 * riderScale, 0.12), actor.colour,
        swing: 0.35, pivot: SIMD3(0, seat, -0.05)), at)
    let helmet: SIMD3<Float> = motor ? actor.secondColour : actor.skin
    add(Part(SIMD3(0, h - 0.12, 0.25), SIMD3(0.12, 0.12, 0.13), helmet), at)
  }

  mutating func addPedestrian(_ actor: Actor, state: ActorState, _ at: Placement) {
    let h = actor.size.y
    let w = actor.size.x
    let hip = 0.5 * h
    let shoulder = 0.81 * h
    let moving = abs(state.speedS) + abs(state.speedD) > 0.2
    let phase = state.travelled / (0.75 * h) * .pi
    let amplitude = moving ? 0.45 : 0.0
    for side in [-1.0, 1.0] {
      let swing = amplitude * sin(phase + (side > 0 ? 0 : .pi))
      add(
        Part(
          SIMD3(side * w * 0.2, hip / 2, 0), SIMD3(w * 0.14, hip / 2, 0.08), actor.secondColour,
          swing: swing, pivot: SIMD3(0, hip, 0)), at)
      add(
        Part(
          SIMD3(side * (w / 2 - 0.05), shoulder - 0.17 * h, 0), SIMD3(0.05, 0.17 * h, 0.05), actor.colour,
          swing: -swing * 0.8, pivot: SIMD3(0, shoulder, 0)), at)
    }
    add(
      Part(
        SIMD3(0, (hip + shoulder) / 2 + 0.02, 0), SIMD3(w / 2 - 0.1, (shoulder - hip) / 2 + 0.02, 0.12),
        actor.colour), at)
    add(Part(SIMD3(0, h - 0.1 * h / 1.7 - 0.005, 0), SIMD3(0.09, 0.1 * h / 1.7, 0.1), actor.skin), at)
  }
}
