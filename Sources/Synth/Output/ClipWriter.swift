import Capture
import Engine
import FoundationEssentials

/// Renders a whole scenario to `<base>.mp4` (H.264 through libavcodec/libavformat) and
/// `<base>.json` (`ClipLabels`).
public struct ClipWriter {
  public var camera: PinholeCamera
  /// x264 constant rate factor for the clip.
  public var crf: Double
  public var preset: String

  public init(camera: PinholeCamera, crf: Double = 23, preset: String = "veryfast") {
    self.camera = camera
    self.crf = crf
    self.preset = preset
  }

  /// Writes the clip and its labels; `progress` hears each frame index as it is done.
  @discardableResult
  public func write(
    _ scenario: Scenario, to base: String, progress: (Int, Int) -> Void = { _, _ in }
  ) throws -> ClipLabels {
    var settings = H264EncoderSettings(
      width: camera.width, height: camera.height, framesPerSecond: Int(scenario.fps.rounded()))
    settings.rateControl = .constantRateFactor(crf)
    settings.preset = preset
    if let problem = settings.problem { throw SynthError.invalidArgument(problem) }
    let writer = try H264MP4Writer(path: base + ".mp4", settings: settings)
    let renderer = SceneRenderer()
    var frames: [FrameLabels] = []
    frames.reserveCapacity(scenario.frameCount)
    for index in 0..<scenario.frameCount {
      let (image, labels) = renderer.render(scenario, frame: index, camera: camera)
      try writer.append(rgb: image.pixels)
      frames.append(labels)
      progress(index, scenario.frameCount)
    }
    try writer.finish()
    let labels = ClipLabels(scenario: scenario, camera: camera, frames: frames)
    try labels.write(to: base + ".json")
    return labels
  }
}
