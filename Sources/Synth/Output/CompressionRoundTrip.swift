import Capture
import Engine
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Passes pictures through H.264 and back (libx264 into an MP4, then libavcodec's decoder), so
/// training data can carry the same compression artefacts as clips from a real dashcam.
public struct CompressionRoundTrip {
  public var crf: Double
  public var framesPerSecond: Int
  /// Folder for the short-lived MP4.
  public var scratchFolder: String

  public init(crf: Double = 28, framesPerSecond: Int = 30, scratchFolder: String = "/tmp") {
    self.crf = crf
    self.framesPerSecond = framesPerSecond
    self.scratchFolder = scratchFolder
  }

  /// The pictures after encoding and decoding, in order. All must share one even size.
  public func apply(_ images: [RGBImage]) throws -> [RGBImage] {
    guard let first = images.first else { return [] }
    guard images.allSatisfy({ $0.width == first.width && $0.height == first.height }) else {
      throw SynthError.invalidArgument("every picture of a round trip must have the same size")
    }
    var settings = H264EncoderSettings(
      width: first.width, height: first.height, framesPerSecond: framesPerSecond)
    settings.rateControl = .constantRateFactor(crf)
    if let problem = settings.problem { throw SynthError.invalidArgument(problem) }
    let path =
      "\(scratchFolder)/hiyari-synth-roundtrip-\(getpid())-\(CompressionRoundTrip.counter.add(1, ordering: .relaxed).newValue).mp4"
    defer { unlink(path) }
    let writer = try H264MP4Writer(path: path, settings: settings)
    for image in images { try writer.append(rgb: image.pixels) }
    try writer.finish()
    let source = try MediaSource(path)
    defer { source.close() }
    let preprocessor = try Preprocessor(
      spec: PreprocessSpec(
        width: first.width, height: first.height, resize: .stretch, layout: .nhwc, encoding: .uint8))
    let tensor = try preprocessor.makeOutputTensor()
    var result: [RGBImage] = []
    while result.count < images.count, let frame = try source.nextFrame() {
      try preprocessor.process(frame, into: tensor)
      result.append(RGBImage(width: first.width, height: first.height, pixels: Array(tensor.bytes)))
    }
    guard result.count == images.count else {
      throw SynthError.invalidArgument("decoded \(result.count) of \(images.count) frames")
    }
    return result
  }

  /// Numbers scratch files apart within the process.
  private static let counter = Atomic<Int>(0)
}
