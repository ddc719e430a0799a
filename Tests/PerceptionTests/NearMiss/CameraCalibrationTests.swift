import FoundationEssentials
import Testing

@testable import Perception

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct CameraCalibrationTests {
  @Test func groundPointInvertsProjection() throws {
    let camera = try CameraCalibration(
      width: 1280, height: 720, focalLengthPixels: 900, mountHeightMeters: 1.4, pitchDegrees: 4)
    for (x, z) in [(0.0, 5.0), (-3.0, 12.0), (2.5, 40.0)] {
      let image = try #require(camera.project(x: x, y: camera.mountHeightMeters, z: z))
      let ground = try #require(camera.groundPoint(imageX: image.x, imageY: image.y))
      #expect(abs(ground.lateral - x) < 1e-9 && abs(ground.forward - z) < 1e-9)
    }
  }

  @Test func rangeIsFocalTimesHeightOverRowsBelowTheHorizon() throws {
    // Level camera: Z = f·H / (y − horizon).
    let camera = ApproachScene.camera()
    let ground = try #require(camera.groundPoint(imageX: 640, imageY: 360 + 65))
    #expect(abs(ground.forward - 1000 * 1.3 / 65) < 1e-9)
    #expect(camera.groundPoint(imageX: 640, imageY: 360) == nil)
    #expect(camera.groundPoint(imageX: 640, imageY: 100) == nil)
  }

  @Test func horizonRowFollowsPitch() throws {
    let camera = try CameraCalibration(
      width: 1280, height: 720, focalLengthPixels: 1000, mountHeightMeters: 1.3, pitchDegrees: 5)
    #expect(abs(camera.horizonRow - (360 - 1000 * tan(5 * Double.pi / 180))) < 1e-9)
    #expect(abs(camera.pitchRadians - 5 * Double.pi / 180) < 1e-12)
    let farAway = try #require(camera.project(x: 0, y: 1.3, z: 1e7))
    #expect(abs(farAway.y - camera.horizonRow) < 0.01)
  }

  @Test func decodesTheSyntheticGeneratorsCameraLabel() throws {
    let json = """
      {"width": 1280, "height": 720, "fps": 30, "horizontal_fov_deg": 90, "focal_px": 640,
       "mount_height_m": 1.35, "pitch_deg": 2.0, "horizon_row": 340}
      """
    let camera = try JSONDecoder().decode(CameraCalibration.self, from: Data(json.utf8))
    #expect(camera.focalLengthPixels == 640 && camera.mountHeightMeters == 1.35 && camera.horizonRow == 340)
    #expect(camera.principalX == 640 && camera.principalY == 360 && camera.fps == 30)
    let again = try JSONDecoder().decode(CameraCalibration.self, from: JSONEncoder().encode(camera))
    #expect(again == camera)
  }

  @Test func focalLengthComesFromTheFieldOfViewWhenAbsent() throws {
    let json = #"{"width": 1280, "height": 720, "horizontal_fov_deg": 90, "mount_height_m": 1.2}"#
    let camera = try JSONDecoder().decode(CameraCalibration.self, from: Data(json.utf8))
    #expect(abs(camera.focalLengthPixels - 640) < 1e-9)
  }

  @Test func implausibleCalibrationsAreRejected() {
    #expect(throws: PerceptionError.self) {
      try CameraCalibration(width: 0, height: 720, focalLengthPixels: 1000, mountHeightMeters: 1.3)
    }
    #expect(throws: PerceptionError.self) {
      try CameraCalibration(width: 1280, height: 720, focalLengthPixels: .nan, mountHeightMeters: 1.3)
    }
    #expect(throws: PerceptionError.self) {
      try CameraCalibration(width: 1280, height: 720, focalLengthPixels: 1000, mountHeightMeters: -1)
    }
    let json = #"{"width": 1280, "height": 720, "focal_px": 1000, "mount_height_m": 1000}"#
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(CameraCalibration.self, from: Data(json.utf8))
    }
  }
}
