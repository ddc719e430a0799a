import Testing

@testable import Perception

@Suite struct CameraCalibrationScalingTests {
  @Test func halfTheResolutionSeesTheSameRoadPoints() throws {
    let full = try CameraCalibration(
      width: 1280, height: 720, focalLengthPixels: 900, mountHeightMeters: 1.4, horizonRow: 350)
    let half = try full.scaled(toWidth: 640, height: 360)
    #expect(half.focalLengthPixels == 450 && half.horizonRow == 175 && half.principalX == 320)
    let a = try #require(full.groundPoint(imageX: 700, imageY: 500))
    let b = try #require(half.groundPoint(imageX: 350, imageY: 250))
    #expect(abs(a.forward - b.forward) < 1e-9 && abs(a.lateral - b.lateral) < 1e-9)
    #expect(throws: PerceptionError.self) { try full.scaled(toWidth: 640, height: 480) }
  }
}
