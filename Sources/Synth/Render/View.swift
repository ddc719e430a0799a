#if canImport(Glibc)
  import Glibc
#endif

/// One frame's viewpoint: the ego's pose on the road and the camera, with the transforms from road
/// coordinates to the level ego frame and on to pixels.
struct View {
  let scenario: Scenario
  let frame: Int
  let camera: PinholeCamera
  let ego: ActorState
  let egoX: Double
  let egoZ: Double
  let egoHeading: Double
  let cosHeading: Double
  let sinHeading: Double
  let sinPitch: Double
  let cosPitch: Double
  let focal: Double
  let centreX: Double
  let centreY: Double
  static let nearPlane = 0.05

  init(scenario: Scenario, frame: Int, camera: PinholeCamera) {
    self.scenario = scenario
    self.frame = frame
    self.camera = camera
    ego = scenario.ego[frame]
    let world = scenario.road.world(s: ego.s, d: ego.d)
    egoX = world.x
    egoZ = world.z
    egoHeading = world.heading + ego.yaw
    cosHeading = cos(egoHeading)
    sinHeading = sin(egoHeading)
    sinPitch = sin(camera.pitch)
    cosPitch = cos(camera.pitch)
    focal = camera.focalPixels
    centreX = camera.principalX
    centreY = camera.principalY
  }

  /// World (x, z) to the level ego frame's (x, z).
  @inline(__always)
  func toEgo(_ x: Double, _ z: Double) -> (x: Double, z: Double) {
    let dx = x - egoX
    let dz = z - egoZ
    return (dx * cosHeading - dz * sinHeading, dx * sinHeading + dz * cosHeading)
  }

  /// Where an object at (s, d) with heading `yaw` relative to the road sits in the level ego frame.
  func placement(s: Double, d: Double, yaw: Double, id: UInt16) -> Placement {
    let world = scenario.road.world(s: s, d: d)
    let local = toEgo(world.x, world.z)
    return Placement(
      x: local.x, z: local.z, heading: world.heading + yaw - egoHeading, mountHeight: camera.mountHeight,
      id: id)
  }

  /// Culls a back face, clips the rest to the near plane and projects it to the screen.
  func project(_ mesh: Mesh, _ face: Mesh.Face) -> Raster.ScreenPolygon? {
    let start = Int(face.start)
    let count = Int(face.count)
    let v0 = mesh.vertices[start]
    // Local geometry is wound for y up; the level frame has y down, which flips the winding.
    let normal = cross(mesh.vertices[start + 2] - v0, mesh.vertices[start + 1] - v0)
    guard dot(normal, v0) < 0 else { return nil }
    var points: [SIMD3<Double>] = []
    points.reserveCapacity(count + 2)
    var anyBehind = false
    for k in 0..<count {
      let p = camera.toCamera(mesh.vertices[start + k], sinPitch: sinPitch, cosPitch: cosPitch)
      if p.z < View.nearPlane { anyBehind = true }
      points.append(p)
    }
    if anyBehind {
      points = View.clipNear(points)
      guard points.count >= 3 else { return nil }
    }
    let n = camera.toCamera(normal, sinPitch: sinPitch, cosPitch: cosPitch)
    let distance = dot(n, points[0])
    guard abs(distance) > 1e-12 else { return nil }
    var polygon = Raster.ScreenPolygon()
    polygon.u.reserveCapacity(points.count)
    polygon.v.reserveCapacity(points.count)
    for p in points {
      polygon.u.append(centreX + focal * p.x / p.z)
      polygon.v.append(centreY + focal * p.y / p.z)
    }
    polygon.a = n.x / (focal * distance)
    polygon.b = n.y / (focal * distance)
    polygon.c = (n.z - n.x * centreX / focal - n.y * centreY / focal) / distance
    return polygon
  }

  /// Sutherland-Hodgman against z = nearPlane.
  static func clipNear(_ points: [SIMD3<Double>]) -> [SIMD3<Double>] {
    var result: [SIMD3<Double>] = []
    for k in points.indices {
      let a = points[k]
      let b = points[(k + 1) % points.count]
      let aIn = a.z >= nearPlane
      let bIn = b.z >= nearPlane
      if aIn { result.append(a) }
      if aIn != bIn {
        let t = (nearPlane - a.z) / (b.z - a.z)
        result.append(a + (b - a) * t)
      }
    }
    return result
  }

  /// The label position (middle of the bottom edge of the face nearest the ego) and the velocity
  /// relative to the ego, both in the level ego frame.
  func kinematics(_ actor: Actor, _ state: ActorState) -> (position: SIMD3<Double>, velocity: SIMD3<Double>) {
    let at = placement(s: state.s, d: state.d, yaw: state.yaw, id: 0)
    let half = actor.size / 2
    let candidates = [
      at.place(SIMD3(0, 0, -half.z)), at.place(SIMD3(0, 0, half.z)), at.place(SIMD3(-half.x, 0, 0)),
      at.place(SIMD3(half.x, 0, 0)),
    ]
    let position = candidates.min { $0.z < $1.z }!
    let objectHeading = scenario.road.world(s: state.s, d: state.d).heading
    let egoRoadHeading = egoHeading - ego.yaw
    func worldVelocity(_ speedS: Double, _ speedD: Double, _ heading: Double) -> (x: Double, z: Double) {
      (speedS * sin(heading) + speedD * cos(heading), speedS * cos(heading) - speedD * sin(heading))
    }
    let object = worldVelocity(state.speedS, state.speedD, objectHeading)
    let own = worldVelocity(ego.speedS, ego.speedD, egoRoadHeading)
    let dx = object.x - own.x
    let dz = object.z - own.z
    return (position, SIMD3(dx * cosHeading - dz * sinHeading, 0, dx * sinHeading + dz * cosHeading))
  }
}

@inline(__always) func cross(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> SIMD3<Double> {
  SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
}

@inline(__always) func dot(_ a: SIMD3<Double>, _ b: SIMD3<Double>) -> Double { (a * b).sum() }
