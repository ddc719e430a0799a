import Testing

@testable import Capture

@Suite struct FormatNegotiationTests {
  static let fps30 = FrameInterval(numerator: 1, denominator: 30)
  static let fps15 = FrameInterval(numerator: 1, denominator: 15)
  static let fps5 = FrameInterval(numerator: 1, denominator: 5)

  static func format(
    _ code: StaticString, compressed: Bool = false, emulated: Bool = false,
    sizes: [(Int, Int, [FrameInterval])]
  ) -> FormatDescription {
    FormatDescription(
      fourCC: FourCC.code(code), description: "\(code)", isCompressed: compressed, isEmulated: emulated,
      sizes: sizes.map { FrameSizeDescription(width: $0.0, height: $0.1, intervals: $0.2) })
  }

  /// A typical USB webcam: raw YUYV is slow at high resolution, MJPEG is fast.
  static let webcam = [
    format("YUYV", sizes: [(640, 480, [fps30]), (1280, 720, [fps5]), (1920, 1080, [fps5])]),
    format(
      "MJPG", compressed: true, sizes: [(640, 480, [fps30]), (1280, 720, [fps30]), (1920, 1080, [fps30])]),
    format("RGB3", emulated: true, sizes: [(640, 480, [fps30]), (1280, 720, [fps30])]),
  ]

  func choose(_ formats: [FormatDescription], _ configure: (inout CameraRequest) -> Void) throws
    -> NegotiatedMode
  {
    var request = CameraRequest()
    configure(&request)
    return try FormatNegotiation.choose(from: formats, for: request).get()
  }

  @Test func prefersMJPEGAbove640x480() throws {
    let mode = try choose(Self.webcam) {
      $0.width = 1280; $0.height = 720; $0.framesPerSecond = 30
    }
    #expect(FourCC.string(mode.fourCC) == "MJPG")
    #expect(mode.width == 1280 && mode.height == 720)
    #expect(mode.interval == Self.fps30)
  }

  @Test func prefersYUYVAtOrBelow640x480() throws {
    let mode = try choose(Self.webcam) {
      $0.width = 640; $0.height = 480
    }
    #expect(FourCC.string(mode.fourCC) == "YUYV")
    #expect(mode.interval == Self.fps30)
  }

  @Test func anExplicitFormatIsHonouredEvenWhenSlower() throws {
    let mode = try choose(Self.webcam) {
      $0.width = 1280; $0.height = 720; $0.fourCC = FourCC.code("YUYV")
    }
    #expect(FourCC.string(mode.fourCC) == "YUYV")
    #expect(mode.width == 1280 && mode.interval == Self.fps5)
  }

  @Test func nativeFormatsBeatEmulatedOnes() throws {
    let formats = [
      Self.format("RGB3", emulated: true, sizes: [(640, 480, [Self.fps30])]),
      Self.format("NV12", sizes: [(640, 480, [Self.fps30])]),
    ]
    let mode = try choose(formats) {
      $0.width = 640; $0.height = 480
    }
    #expect(FourCC.string(mode.fourCC) == "NV12")
  }

  @Test func picksTheSmallestSizeCoveringTheRequest() throws {
    let formats = [
      Self.format(
        "YUYV", sizes: [(320, 180, [Self.fps30]), (1280, 720, [Self.fps30]), (1920, 1080, [Self.fps30])])
    ]
    let mode = try choose(formats) {
      $0.width = 800; $0.height = 600
    }
    #expect(mode.width == 1280 && mode.height == 720)
  }

  @Test func fallsBackToTheLargestWhenNothingCovers() throws {
    let formats = [Self.format("YUYV", sizes: [(320, 180, [Self.fps30]), (640, 360, [Self.fps30])])]
    let mode = try choose(formats) {
      $0.width = 1920; $0.height = 1080
    }
    #expect(mode.width == 640 && mode.height == 360)
  }

  @Test func picksTheSlowestRateThatReachesTheRequestElseTheFastest() throws {
    let formats = [Self.format("YUYV", sizes: [(640, 480, [Self.fps30, Self.fps15, Self.fps5])])]
    #expect(
      try choose(formats) {
        $0.width = 640; $0.height = 480; $0.framesPerSecond = 10
      }.interval == Self.fps15)
    #expect(
      try choose(formats) {
        $0.width = 640; $0.height = 480; $0.framesPerSecond = 60
      }.interval == Self.fps30)
  }

  @Test func aSizeMatchOutranksARateMatch() throws {
    // A 640x480 request at 30 fps: the exact size at 15 fps beats a bigger size at 30 fps.
    let formats = [Self.format("YUYV", sizes: [(640, 480, [Self.fps15]), (1280, 720, [Self.fps30])])]
    let mode = try choose(formats) {
      $0.width = 640; $0.height = 480; $0.framesPerSecond = 30
    }
    #expect(mode.width == 640 && mode.interval == Self.fps15)
  }

  @Test func explainsAMissingFormat() {
    var request = CameraRequest()
    request.fourCC = FourCC.code("NV12")
    guard case .failure(let failure) = FormatNegotiation.choose(from: Self.webcam, for: request) else {
      Issue.record("NV12 is not offered, negotiation must fail")
      return
    }
    #expect(failure.description.contains("NV12"))
    #expect(failure.description.contains("YUYV, MJPG, RGB3"))
  }

  @Test func rejectsDevicesWithOnlyUnknownFormats() {
    let formats = [Self.format("H264", compressed: true, sizes: [(1280, 720, [Self.fps30])])]
    guard case .failure(let failure) = FormatNegotiation.choose(from: formats, for: CameraRequest()) else {
      Issue.record("H264 cameras are not readable yet; negotiation must fail")
      return
    }
    #expect(failure.description.contains("H264"))
  }

  @Test func fourCCRoundTrips() {
    #expect(FourCC.string(FourCC.code("YUYV")) == "YUYV")
    #expect(FourCC.parse("NV12") == FourCC.code("NV12"))
    #expect(FourCC.parse("NV1") == nil)
    #expect(PixelFormat(fourCC: FourCC.code("JPEG")) == .mjpeg)
    #expect(PixelFormat(fourCC: FourCC.code("YU12")) == .yuv420p)
  }
}
