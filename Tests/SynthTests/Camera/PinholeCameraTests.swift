import Foundation
import Testing

@testable import Synth

@Suite struct PinholeCameraTests {
  @Test func levelCameraProjectsByThePinholeFormula() throws {
    let camera = PinholeCamera(
      width: 1280, height: 720, horizontalFOVDegrees: 90, mountHeight: 1.5, pitchDegrees: 0)
    #expect(abs(camera.focalPixels - 640) < 1e-9)
    let pixel = try #require(camera.project(SIMD3(2, 1.5, 10)))
    #expect(abs(pixel.u - 768) < 1e-9)
    #expect(abs(pixel.v - 456) < 1e-9)
    #expect(camera.project(SIMD3(0, 0, -1)) == nil)
  }

  @Test func pitchedCameraMovesThePointUpByThePitch() throws {
    let camera = PinholeCamera(
      width: 640, height: 480, horizontalFOVDegrees: 70, mountHeight: 1.3, pitchDegrees: 5)
    let f = 320 / tan(35 * Double.pi / 180)
    // The road point straight ahead at 20 m: its ray is atan(1.3 / 20) below level, 5 degrees
    // less than that below the optical axis.
    let below = atan(1.3 / 20) - 5 * Double.pi / 180
    let pixel = try #require(camera.project(SIMD3(0, 1.3, 20)))
    #expect(abs(pixel.u - 320) < 1e-9)
    #expect(abs(pixel.v - (240 + f * tan(below))) < 1e-9)
  }

  @Test func horizonRowMatchesTheFormulaAndFarPoints() throws {
    let camera = PinholeCamera(
      width: 320, height: 192, horizontalFOVDegrees: 80, mountHeight: 1.4, pitchDegrees: 3)
    let expected = 96 - camera.focalPixels * tan(3 * Double.pi / 180)
    #expect(abs(camera.horizonRow - expected) < 1e-12)
    let far = try #require(camera.project(SIMD3(0, 1.4, 1e7)))
    #expect(abs(far.v - expected) < 1e-3)
  }
}
