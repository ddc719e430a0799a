/// How `H264Encoder` encodes: output size, nominal rate, rate control, GOP and libx264 preset.
public struct H264EncoderSettings: Sendable, Equatable {
  /// How bits are spent.
  public enum RateControl: Sendable, Equatable {
    /// Constant rate factor (x264's CRF, 0 lossless ... 51 worst; 23 is x264's default).
    case constantRateFactor(Double)
    /// Average bitrate in bits per second.
    case bitrate(Int)
  }

  /// Output size in pixels; both even (4:2:0 chroma is subsampled in both directions). Frames of
  /// another size are scaled to it.
  public var width: Int
  public var height: Int
  /// Nominal frames per second: rate control and the duration of frames given without a timestamp.
  public var framesPerSecond: Int
  public var rateControl: RateControl = .constantRateFactor(23)
  /// Frames per GOP: a keyframe (IDR) at least this often, which bounds a clip's pre-roll
  /// granularity and how much a ring must keep to start a clip cleanly.
  public var keyframeInterval: Int = 30
  /// libx264 preset, "ultrafast" ... "veryslow"; a device wants "ultrafast" to "veryfast".
  public var preset: String = "veryfast"
  /// x264's `tune=zerolatency`: no B-frames, no lookahead, each frame's packet comes out at once.
  public var zeroLatency: Bool = false
  /// Encoder threads; 0 lets libx264 pick.
  public var threads: Int = 1

  public init(width: Int, height: Int, framesPerSecond: Int) {
    self.width = width
    self.height = height
    self.framesPerSecond = framesPerSecond
  }

  /// Why these settings cannot be used, or nil when they can.
  public var problem: String? {
    if width < 2 || height < 2 || width > 8192 || height > 8192 || width % 2 != 0 || height % 2 != 0 {
      return "size \(width)x\(height) must be even and within 2...8192"
    }
    if !(1...1000).contains(framesPerSecond) { return "frame rate \(framesPerSecond) is outside 1...1000" }
    if !(1...10_000).contains(keyframeInterval) {
      return "keyframe interval \(keyframeInterval) is outside 1...10000"
    }
    if !(0...64).contains(threads) { return "thread count \(threads) is outside 0...64" }
    let presets = [
      "ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow",
      "placebo",
    ]
    if !presets.contains(preset) { return "unknown libx264 preset \"\(preset)\"" }
    switch rateControl {
    case .constantRateFactor(let crf) where !(0...51).contains(crf):
      return "CRF \(crf) is outside 0...51"
    case .bitrate(let bits) where bits < 1000:
      return "bitrate \(bits) bit/s is below 1000"
    default: return nil
    }
  }
}
