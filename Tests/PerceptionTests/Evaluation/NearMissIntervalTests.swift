import FoundationEssentials
import Testing

@testable import Perception

@Suite struct NearMissIntervalTests {
  @Test func decodesTheGeneratorsLabelWithOrWithoutAClip() throws {
    let json =
      #"[{"track": 3, "start": 1.5, "peak": 2.25, "end": 3, "min_ttc_s": 0.9}, "#
      + #"{"clip": "cutin-7", "track": 1, "start": 0, "peak": 1, "end": 2, "min_ttc_s": 1.2}]"#
    let intervals = try JSONDecoder().decode([NearMissInterval].self, from: Data(json.utf8))
    #expect(
      intervals == [
        NearMissInterval(clip: "", track: 3, start: 1.5, peak: 2.25, end: 3, minimumTTC: 0.9),
        NearMissInterval(clip: "cutin-7", track: 1, start: 0, peak: 1, end: 2, minimumTTC: 1.2),
      ])
    #expect(throws: (any Error).self) {
      try JSONDecoder().decode(NearMissInterval.self, from: Data(#"{"track": 3, "start": 1}"#.utf8))
    }
  }
}
