/// Roadside clutter: buildings, trees, poles and signs, a pure function of the seed and the place
/// (10 m cells along each side of the road), so long drives need no stored world.
extension Mesh {
  static let sceneryID: UInt16 = .max
  static let cellLength = 10.0

  mutating func addScenery(
    road: Road, seed: UInt64, clutter: Double, from startS: Double, to endS: Double, lampsOn: Bool,
    place: (Double, Double, Double) -> Placement
  ) {
    let first = Int((startS / Mesh.cellLength).rounded(.down))
    let last = Int((endS / Mesh.cellLength).rounded(.up))
    guard first <= last else { return }
    for cell in first...last {
      let s = Double(cell) * Mesh.cellLength
      for side in [-1.0, 1.0] {
        let kerb = side == road.kerbSide ? road.nearKerb : road.farKerb
        let edge = kerb + side * (road.sidewalkWidth + 0.15)
        let key = UInt64(bitPattern: Int64(cell))
        var random = SynthRandom(seed: SynthRandom.hash(seed, key, side > 0 ? 1 : 2))
        let crossing = road.intersection(at: s) != nil || road.intersection(at: s + Mesh.cellLength) != nil
        if !crossing && random.chance(clutter) {
          addBuilding(s: s, edge: edge, side: side, random: &random, place: place)
        } else if !crossing && random.chance(0.5) {
          addTree(
            s: s + random.uniform(0, 8), d: edge + side * random.uniform(0.5, 6), random: &random,
            place: place)
        }
        if random.chance(0.45) {
          let poleS = s + random.uniform(0, Mesh.cellLength)
          if road.intersection(at: poleS) == nil {
            addPole(
              s: poleS, d: kerb + side * 0.5, side: side, lampsOn: lampsOn, random: &random, place: place)
          }
        }
      }
    }
  }

  private mutating func addBuilding(
    s: Double, edge: Double, side: Double, random: inout SynthRandom,
    place: (Double, Double, Double) -> Placement
  ) {
    let setback = random.uniform(0.5, 8)
    let depth = random.uniform(8, 16)
    let height = random.chance(0.3) ? random.uniform(10, 28) : random.uniform(3.5, 9)
    let length = Mesh.cellLength - random.uniform(0, 2.5)
    let at = place(s + Mesh.cellLength / 2, edge + side * (setback + depth / 2), 0)
    let colour = random.pick(Paint.building) * Float(random.uniform(0.7, 1.1))
    add(Part(SIMD3(0, height / 2, 0), SIMD3(depth / 2, height / 2, length / 2), colour), at)
    // Floors of windows on the face towards the road.
    let face = -side * (depth / 2 + 0.02)
    var floor = 1.2
    while floor + 1.2 < height {
      addSidePanel(
        x: face, y: floor...(floor + 1.2), z: (-length / 2 + 0.6)...(length / 2 - 0.6), facingRight: side < 0,
        albedo: Paint.glass * 2, at)
      floor += 3
    }
  }

  private mutating func addTree(
    s: Double, d: Double, random: inout SynthRandom, place: (Double, Double, Double) -> Placement
  ) {
    let at = place(s, d, random.uniform(0, 1.5))
    let height = random.uniform(3, 9)
    let crown = random.uniform(1.2, 2.8)
    add(Part(SIMD3(0, height * 0.3, 0), SIMD3(0.15, height * 0.3, 0.15), SIMD3(0.12, 0.08, 0.05)), at)
    add(
      Part(
        SIMD3(0, height * 0.6 + crown * 0.2, 0), SIMD3(crown, height * 0.4 + crown * 0.2, crown),
        random.pick(Paint.foliage), topScale: SIMD2(0.35, 0.35)), at)
  }

  private mutating func addPole(
    s: Double, d: Double, side: Double, lampsOn: Bool, random: inout SynthRandom,
    place: (Double, Double, Double) -> Placement
  ) {
    let at = place(s, d, 0)
    if random.chance(0.4) {
      // A sign on a short post.
      add(Part(SIMD3(0, 1.1, 0), SIMD3(0.04, 1.1, 0.04), SIMD3(0.5, 0.5, 0.5)), at)
      let colour: SIMD3<Float> = random.pick([
        SIMD3(0.7, 0.05, 0.05), SIMD3(0.05, 0.15, 0.6), SIMD3(0.8, 0.7, 0.1),
      ])
      add(Part(SIMD3(0, 2.35, 0), SIMD3(0.32, 0.32, 0.02), colour), at)
      return
    }
    let height = random.uniform(6, 9)
    add(Part(SIMD3(0, height / 2, 0), SIMD3(0.1, height / 2, 0.1), SIMD3(0.35, 0.35, 0.37)), at)
    let reach = 1.6 * -side
    add(
      Part(SIMD3(reach / 2, height - 0.1, 0), SIMD3(abs(reach) / 2, 0.06, 0.06), SIMD3(0.35, 0.35, 0.37)), at)
    let lamp: SIMD3<Float> = lampsOn ? SIMD3(2.5, 2.1, 1.4) : .zero
    addPanel(
      x: (reach - 0.25)...(reach + 0.25), y: (height - 0.22)...(height - 0.16), z: 0.1, facingForward: false,
      albedo: SIMD3(0.8, 0.8, 0.7), emissive: lamp, at)
    if lampsOn {
      glows.append(
        Glow(
          position: at.place(SIMD3(reach, height - 0.25, 0)), colour: lamp, radius: 1.2,
          direction: SIMD3(0, 1, 0), id: Mesh.sceneryID))
    }
  }
}
