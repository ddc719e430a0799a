import Foundation
import Testing

@testable import Synth

@Suite struct ClipLabelsTests {
  func labels() -> ClipLabels {
    let camera = PinholeCamera(width: 96, height: 64)
    let scenario = Scenario(kind: .leadBraking, seed: 11, camera: camera)
    let renderer = SceneRenderer()
    let frames = [0, 120, 200].map { renderer.render(scenario, frame: $0).labels }
    return ClipLabels(scenario: scenario, camera: camera, frames: frames)
  }

  @Test func roundTripsThroughJSON() throws {
    let original = labels()
    #expect(original.frames.contains { !$0.objects.isEmpty })
    let decoded = try ClipLabels.decode(try original.encoded())
    #expect(decoded == original)
  }

  @Test func usesTheAgreedFieldNamesAndWritesNullTTC() throws {
    let text = String(decoding: try labels().encoded(), as: UTF8.self)
    for key in [
      "\"format\":\"hiyari-synth-labels\"", "\"version\":1", "\"scenario\":\"lead-braking\"",
      "\"horizontal_fov_deg\"",
      "\"focal_px\"", "\"mount_height_m\"", "\"pitch_deg\"", "\"horizon_row\"", "\"position_m\"",
      "\"velocity_mps\"",
      "\"in_ego_path\"", "\"ttc_s\":null", "\"near_misses\"", "\"min_ttc_s\"", "\"class\":\"vehicle-small\"",
      "\"classes\":[\"vehicle-large\",\"vehicle-small\",\"two-wheeler\",\"pedestrian\"]",
    ] {
      #expect(text.contains(key), "missing \(key)")
    }
  }

  @Test func refusesAnotherFormatAndMalformedBoxes() throws {
    var other = labels()
    other.format = "something-else"
    #expect(throws: SynthError.self) { try ClipLabels.decode(try other.encoded()) }
    let broken = String(decoding: try labels().encoded(), as: UTF8.self)
      .replacingOccurrences(of: "\"box\":[", with: "\"box\":[1,")
    #expect(throws: DecodingError.self) { try ClipLabels.decode(Data(broken.utf8)) }
  }
}
