import Engine
import FoundationEssentials

extension ClipLabels {
  /// Labels for a rendered scenario, with the near-miss ground truth from its physics.
  public init(scenario: Scenario, camera: PinholeCamera, frames: [FrameLabels]) {
    self.init(
      seed: scenario.seed, scenario: scenario.kind, weather: scenario.conditions.weather,
      light: scenario.conditions.light, camera: CameraLabel(camera, fps: scenario.fps), frames: frames,
      nearMisses: NearMissDetector().nearMisses(in: scenario))
  }

  /// The labels as JSON bytes.
  public func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return try encoder.encode(self)
  }

  /// Labels read from JSON, checked for the format name and version.
  public static func decode(_ data: Data) throws -> ClipLabels {
    let labels = try JSONDecoder().decode(ClipLabels.self, from: data)
    guard labels.format == formatName, labels.version == 1 else {
      throw SynthError.invalidLabels(
        "format \(labels.format) version \(labels.version), expected \(formatName) 1")
    }
    return labels
  }

  /// Writes the JSON durably (temporary file, fsync, rename).
  public func write(to path: String) throws {
    let data = try encoded()
    try data.withUnsafeBytes { try DurableFile.write($0, to: path) }
  }
}
