import Testing

@testable import Perception

/// Both TTC estimators on boxes projected from a car approaching at a known, constant speed.
@Suite struct TTCEstimatorTests {
  /// Runs the estimator over the scene; returns (true TTC, estimate) per frame once the window
  /// is full.
  static func run(_ scene: ApproachScene, rounded: Bool = false) -> [(truth: Double, estimate: TTCEstimate)] {
    var estimator = TTCEstimator(config: NearMissConfig(), calibration: scene.calibration)
    var results: [(Double, TTCEstimate)] = []
    for frame in 0..<scene.frameCount {
      let time = scene.time(ofFrame: frame)
      let estimate = estimator.add(scene.box(at: time, rounded: rounded), at: time)
      if frame >= 15 { results.append((scene.ttc(at: time), estimate)) }
    }
    return results
  }

  @Test func exactBoxesGiveTheTrueTTC() throws {
    // Level camera: both quantities are exactly linear in time, so the fits are exact.
    let scene = ApproachScene(calibration: ApproachScene.camera(), startRange: 40, segments: [(3, 10)])
    for (truth, estimate) in Self.run(scene) {
      let scale = try #require(estimate.fromScale)
      let ground = try #require(estimate.fromGround)
      let fused = try #require(estimate.fused)
      #expect(abs(scale - truth) < 1e-6 * truth)
      #expect(abs(ground - truth) < 1e-6 * truth)
      #expect(abs(fused - truth) < 1e-6 * truth)
      #expect(abs(try #require(estimate.closingSpeed) - 10) < 1e-6)
      #expect(estimate.inPath)
    }
  }

  /// With the camera pitched 3° down a vertical face's image height is no longer exactly
  /// proportional to 1/Z; the documented tolerance is 2% of the TTC for the scale estimator.
  /// The ground estimator stays exact.
  @Test func pitchedCameraStaysWithinTolerance() throws {
    let scene = ApproachScene(
      calibration: ApproachScene.camera(pitchDegrees: 3), startRange: 40, segments: [(3, 10)])
    for (truth, estimate) in Self.run(scene) {
      #expect(abs(try #require(estimate.fromScale) - truth) < 0.02 * truth)
      #expect(abs(try #require(estimate.fromGround) - truth) < 1e-6 * truth)
    }
  }

  /// Boxes snapped to whole pixels, as a detector gives them. Tolerance: 10% of the TTC while
  /// the TTC is under 3 s (where warnings are decided), for both estimators and the fusion.
  @Test func pixelQuantizedBoxesStayWithinTolerance() throws {
    let scene = ApproachScene(calibration: ApproachScene.camera(), startRange: 40, segments: [(3, 10)])
    var checked = 0
    for (truth, estimate) in Self.run(scene, rounded: true) where truth < 3 {
      #expect(abs(try #require(estimate.fromScale) - truth) < 0.1 * truth)
      #expect(abs(try #require(estimate.fromGround) - truth) < 0.1 * truth)
      #expect(abs(try #require(estimate.fused) - truth) < 0.1 * truth)
      checked += 1
    }
    #expect(checked > 30)
  }

  @Test func recedingObjectHasNoTTC() throws {
    let scene = ApproachScene(calibration: ApproachScene.camera(), startRange: 20, segments: [(2, -5)])
    for (_, estimate) in Self.run(scene) {
      #expect(estimate.fused == nil && estimate.fromScale == nil && estimate.fromGround == nil)
      #expect(try #require(estimate.closingSpeed) < 0)
      #expect(!estimate.inPath)
    }
  }

  @Test func objectBesideTheCorridorIsNotInPath() throws {
    var scene = ApproachScene(calibration: ApproachScene.camera(), startRange: 40, segments: [(3, 10)])
    scene.lateral = 4.5  // a car in the next lane but one
    for (_, estimate) in Self.run(scene) {
      #expect(estimate.fused != nil)
      #expect(estimate.corridorOverlap == 0 && !estimate.inPath)
    }
  }

  @Test func aCarInTheNextLaneIsBesideTheEgosCorridor() throws {
    // 3.6 m lanes: a car centred in the next lane, closing fast, is passed, not hit.
    var scene = ApproachScene(calibration: ApproachScene.camera(), startRange: 30, segments: [(2, 10)])
    scene.lateral = -3.6
    for (_, estimate) in Self.run(scene) {
      #expect(estimate.fused != nil && !estimate.inPath, "overlap \(estimate.corridorOverlap)")
    }
  }

  @Test func aPassedCarWhoseFlankRunsOffTheFrameStaysOutOfThePath() throws {
    // A parked car 2.3 m to the left (its inner side 1.4 m aside), closed on at 10 m/s. From
    // 8 m its box takes in its flank down to the bottom of the frame: that bottom row is 3.6 m
    // ahead, so the box's inner edge projected there lands 0.6 m aside, in the corridor. The
    // estimator must keep the extent measured while the box still had its own bottom edge.
    var scene = ApproachScene(calibration: ApproachScene.camera(), startRange: 20, segments: [(1.4, 10)])
    scene.lateral = -2.3
    var estimator = TTCEstimator(config: NearMissConfig(), calibration: scene.calibration)
    var cutOffFrames = 0
    for frame in 0..<scene.frameCount {
      let time = scene.time(ofFrame: frame)
      var box = scene.box(at: time)
      if scene.range(at: time) <= 8 {
        box.maxY = Double(scene.calibration.height)
        cutOffFrames += 1
        let naive = EgoCorridor(calibration: scene.calibration, halfWidth: 1.2).overlap(of: box)
        #expect(naive > 0.1, "the cut-off box alone would look in the path")
      }
      let estimate = estimator.add(box, at: time)
      #expect(estimate.corridorOverlap == 0 && !estimate.inPath, "at \(scene.range(at: time)) m")
    }
    #expect(cutOffFrames >= 5)
  }

  @Test func aParkedCarsFlankDoesNotPullItIntoThePath() throws {
    // A parked car (1.8 m wide, 4.5 m long) centred 2.4 m to the left, closed on at 8 m/s.
    // Its box runs from its rear outer corner (the nearest point, the box's bottom) to its front
    // inner corner, 4.5 m farther: that inner edge projected at the rear's distance lands
    // within 1.2 m of the axis. Bounded by a car's width from the outer edge, it does not.
    let camera = ApproachScene.camera()
    var estimator = TTCEstimator(config: NearMissConfig(), calibration: camera)
    var naiveInside = 0
    for frame in 0..<15 {
      let time = Double(frame) / 30
      let rear = 8 - 8 * time
      let outer = try #require(camera.project(x: -3.3, y: 1.3, z: rear))
      let inner = try #require(camera.project(x: -1.5, y: 1.3, z: rear + 4.5))
      let top = try #require(camera.project(x: -3.3, y: -0.2, z: rear))
      let box = BoundingBox(minX: outer.x, minY: top.y, maxX: inner.x, maxY: outer.y)
      if EgoCorridor(calibration: camera, halfWidth: 1.2).overlap(of: box) >= 0.1 { naiveInside += 1 }
      let estimate = estimator.add(box, at: time, objectWidth: ObjectWidth.across(className: "vehicle-small"))
      #expect(estimate.corridorOverlap == 0 && !estimate.inPath, "at \(rear) m")
    }
    #expect(naiveInside > 10, "the flank would have put the car in the path")
  }

  @Test func boundingKeepsTheInnerEdgeWithinTheWidthOfTheOuterOne() throws {
    let left = try #require(TTCEstimator.bounded((left: -4, right: -0.5), width: 1.9))
    #expect(left.left == -4 && abs(left.right - -2.1) < 1e-12)
    let right = try #require(TTCEstimator.bounded((left: 0.3, right: 3), width: 0.8))
    #expect(abs(right.left - 2.2) < 1e-12 && right.right == 3)
    // A box across the axis is in front of the camera: left as it is.
    let across = try #require(TTCEstimator.bounded((left: -3, right: 2), width: 1.9))
    #expect(across.left == -3 && across.right == 2)
    #expect(TTCEstimator.bounded(nil, width: 1.9) == nil)
  }

  @Test func crossingObjectPredictedIntoTheCorridorIsInPath() throws {
    // A pedestrian 3.5 m to the left walking right at 1.5 m/s while the car closes at 8 m/s
    // from 24 m: at the time of arrival (3 s) they are at +1.0 m, inside the corridor.
    let camera = ApproachScene.camera()
    var estimator = TTCEstimator(config: NearMissConfig(), calibration: camera)
    var last = TTCEstimate()
    for frame in 0..<20 {
      let time = Double(frame) / 30
      var scene = ApproachScene(
        calibration: camera, width: 0.5, height: 1.7, startRange: 24, segments: [(3, 8)])
      scene.lateral = -3.5 + 1.5 * time
      last = estimator.add(scene.box(at: time), at: time)
    }
    #expect(last.corridorOverlap == 0)
    #expect(last.inPath)
  }

  /// A 1.8 m wide object closing at 10 m/s from 30 m (TTC 3 s), its centre at `start` metres
  /// and moving sideways at `speed` m/s; the estimate after 20 frames.
  static func lateralTrack(
    start: Double, speed: Double, isVehicle: Bool, config: NearMissConfig = NearMissConfig()
  ) -> TTCEstimate {
    let camera = ApproachScene.camera()
    var estimator = TTCEstimator(config: config, calibration: camera)
    var last = TTCEstimate()
    for frame in 0..<20 {
      let time = Double(frame) / 30
      var scene = ApproachScene(
        calibration: camera, width: 1.8, height: 1.5, startRange: 30, segments: [(3, 10)])
      scene.lateral = start + speed * time
      last = estimator.add(scene.box(at: time), at: time, objectWidth: 1.9, isVehicle: isVehicle)
    }
    return last
  }

  /// In the corridor now (0.5 m left), moving left at 2 m/s: at its TTC its centre is at -6.5 m,
  /// far outside the ±1.2 m corridor (seen across a bend, or turning away).
  static func leavingThePath(isVehicle: Bool, config: NearMissConfig = NearMissConfig()) -> TTCEstimate {
    lateralTrack(start: -0.5, speed: -2, isVehicle: isVehicle, config: config)
  }

  @Test func aVehicleLeavingTheCorridorByItsTTCIsClear() throws {
    let vehicle = Self.leavingThePath(isVehicle: true)
    #expect(vehicle.corridorOverlap > 0.1, "its box still overlaps the corridor")
    #expect(vehicle.fused != nil && !vehicle.inPath)
    // A pedestrian may stop or turn back: the same track stays in the path.
    #expect(Self.leavingThePath(isVehicle: false).inPath)
    // And so does the vehicle with the rule turned off.
    var config = NearMissConfig()
    config.vehiclesLeavingThePathAreClear = false
    #expect(Self.leavingThePath(isVehicle: true, config: config).inPath)
  }

  @Test func aVehicleStayingInTheCorridorIsInThePath() throws {
    // A lead car drifting slowly (0.2 m/s) but still in the corridor at its TTC.
    #expect(Self.lateralTrack(start: 0, speed: 0.2, isVehicle: true).inPath)
  }

  /// Beside the corridor now (2.8 m right), drifting left at 1 m/s: by its TTC (3 s) its centre
  /// is at -0.2 m, inside the corridor; its box never overlaps the corridor in these 20 frames.
  static func driftingIn(isVehicle: Bool, config: NearMissConfig = NearMissConfig()) -> TTCEstimate {
    lateralTrack(start: 2.8, speed: -1, isVehicle: isVehicle, config: config)
  }

  @Test func aVehicleDriftingTowardThePathIsPredictedIntoItUnlessTurnedOff() throws {
    let vehicle = Self.driftingIn(isVehicle: true)
    #expect(vehicle.corridorOverlap < 0.1 && vehicle.fused != nil)
    #expect(vehicle.inPath)
    var config = NearMissConfig()
    config.predictsVehiclesIntoThePath = false
    #expect(!Self.driftingIn(isVehicle: true, config: config).inPath)
    // Pedestrians and riders are always predicted.
    #expect(Self.driftingIn(isVehicle: false, config: config).inPath)
  }

  /// A car keeping to the next lane (2.4 m right) through a bend of curvature `curvature` (1/m):
  /// seen at x = 2.4 + κZ²/2, closing at 25 m/s from 60 m (an oncoming car); the estimator after
  /// 15 frames, told the road's curvature `told`.
  static func throughABend(curvature: Double, told: Double) -> TTCEstimator {
    let camera = ApproachScene.camera()
    var estimator = TTCEstimator(config: NearMissConfig(), calibration: camera)
    for frame in 0..<15 {
      let time = Double(frame) / 30
      var scene = ApproachScene(
        calibration: camera, width: 1.8, height: 1.5, startRange: 60, segments: [(3, 25)])
      let range = scene.range(at: time)
      scene.lateral = 2.4 + curvature * range * range / 2
      _ = estimator.add(scene.box(at: time), at: time, objectWidth: 1.9, isVehicle: true, roadCurvature: told)
    }
    return estimator
  }

  @Test func theBendIsTakenOutOfALaneKeepingCarsLateralMotion() throws {
    // An 800 m bend: at 47.5 m the car is seen 1.4 m farther out than its lane, and closing, it
    // seems to drift 1.5 m/s toward the path: a straight line puts it in the path by its TTC.
    let curvature = 1 / 800.0
    var unaware = Self.throughABend(curvature: curvature, told: 0)
    var aware = Self.throughABend(curvature: curvature, told: curvature)
    let time = 15.0 / 30
    let camera = ApproachScene.camera()
    var scene = ApproachScene(
      calibration: camera, width: 1.8, height: 1.5, startRange: 60, segments: [(3, 25)])
    let range = scene.range(at: time)
    scene.lateral = 2.4 + curvature * range * range / 2
    let box = scene.box(at: time)
    let naive = unaware.add(box, at: time, objectWidth: 1.9, isVehicle: true, roadCurvature: 0)
    let compensated = aware.add(box, at: time, objectWidth: 1.9, isVehicle: true, roadCurvature: curvature)
    #expect(naive.corridorOverlap == 0 && compensated.corridorOverlap == 0)
    #expect(naive.inPath, "the bend's drift, extrapolated, reaches the path")
    #expect(!compensated.inPath, "with the bend taken out, the car keeps its lane")
    // The track itself implies the bend it is in.
    let sample = try #require(aware.roadCurvatureSample())
    #expect(abs(sample - curvature) < 0.2 * abs(curvature), "\(sample) against \(curvature)")
  }
}
