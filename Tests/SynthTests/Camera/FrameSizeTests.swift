import Synth
import Testing

@Suite struct FrameSizeTests {
  @Test func parsesWidthByHeightWithinTheRange() {
    #expect(FrameSize(parsing: "640x360", range: 16...8192) == FrameSize(width: 640, height: 360))
    #expect(FrameSize(parsing: "1280X720", range: 16...8192) == FrameSize(width: 1280, height: 720))
    #expect(FrameSize(parsing: "15x100", range: 16...8192) == nil)
    #expect(FrameSize(parsing: "640x9000", range: 16...8192) == nil)
    #expect(FrameSize(parsing: "641x360", range: 16...8192, even: true) == nil)
    #expect(FrameSize(parsing: "641x360", range: 16...8192) == FrameSize(width: 641, height: 360))
    for text in ["640", "640x", "x360", "640x360x2", "axb", "", "640 x 360", "-640x360"] {
      #expect(FrameSize(parsing: text, range: 16...8192) == nil, "\(text)")
    }
  }
}
