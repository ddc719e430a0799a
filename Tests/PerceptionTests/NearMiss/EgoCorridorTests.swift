import Testing

@testable import Perception

@Suite struct EgoCorridorTests {
  /// A level camera: a box's bottom corners are then exactly the object's on the road (with a
  /// pitch, the top corners project slightly wider; see `pitchWidensTheBoxSlightly`).
  let corridor = EgoCorridor(calibration: ApproachScene.camera(), halfWidth: 2.1)

  func box(lateral: Double, width: Double, range: Double) -> BoundingBox {
    var scene = ApproachScene(calibration: corridor.calibration, startRange: range, segments: [(1, 0)])
    scene.lateral = lateral
    scene.width = width
    return scene.box(at: 0)
  }

  @Test func lateralExtentIsTheObjectsWidthOnTheRoad() throws {
    let extent = try #require(corridor.lateralExtent(of: box(lateral: 1, width: 2, range: 20)))
    #expect(abs(extent.left - 0) < 1e-9 && abs(extent.right - 2) < 1e-9)
  }

  @Test func overlapIsTheFractionInsideTheCorridor() {
    #expect(abs(corridor.overlap(of: box(lateral: 0, width: 1.8, range: 25)) - 1) < 1e-9)
    // From 1.6 to 3.6 m: 0.5 of 2 m inside the 2.1 m half-width.
    #expect(abs(corridor.overlap(of: box(lateral: 2.6, width: 2, range: 25)) - 0.25) < 1e-9)
    #expect(corridor.overlap(of: box(lateral: -5, width: 1.8, range: 25)) == 0)
  }

  @Test func pitchWidensTheBoxSlightly() throws {
    let pitched = EgoCorridor(calibration: ApproachScene.camera(pitchDegrees: 3), halfWidth: 2.1)
    var scene = ApproachScene(calibration: pitched.calibration, startRange: 25, segments: [(1, 0)])
    scene.lateral = 1
    scene.width = 2
    let extent = try #require(pitched.lateralExtent(of: scene.box(at: 0)))
    #expect(abs(extent.left - 0) < 0.01 && abs(extent.right - 2) < 0.01)
  }

  @Test func corridorColumnsNarrowTowardsTheHorizon() throws {
    let near = try #require(corridor.columns(atRow: 700))
    let far = try #require(corridor.columns(atRow: 400))
    #expect(near.right - near.left > far.right - far.left)
    #expect(corridor.columns(atRow: corridor.calibration.horizonRow - 1) == nil)
  }
}
