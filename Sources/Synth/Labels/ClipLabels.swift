/// The label file written next to each clip (`clip.mp4` + `clip.json`), format
/// "hiyari-synth-labels" version 1.
public struct ClipLabels: Sendable, Hashable, Codable {
  public static let formatName = "hiyari-synth-labels"
  public var format: String
  public var version: Int
  public var seed: UInt64
  public var scenario: String
  public var weather: Weather
  public var light: Light
  public var camera: CameraLabel
  public var classes: [String]
  public var frames: [FrameLabels]
  public var nearMisses: [NearMiss]

  public init(
    seed: UInt64, scenario: ScenarioKind, weather: Weather, light: Light, camera: CameraLabel,
    frames: [FrameLabels], nearMisses: [NearMiss]
  ) {
    format = ClipLabels.formatName
    version = 1
    self.seed = seed
    self.scenario = scenario.rawValue
    self.weather = weather
    self.light = light
    self.camera = camera
    classes = ObjectClass.allCases.map(\.rawValue)
    self.frames = frames
    self.nearMisses = nearMisses
  }

  enum CodingKeys: String, CodingKey {
    case format, version, seed, scenario, weather, light, camera, classes, frames
    case nearMisses = "near_misses"
  }
}
