/// One rendered training example: the picture, its labels and where it came from.
public struct TrainingSample: Sendable {
  public var image: RGBImage
  public var labels: FrameLabels
  /// The calibration of the camera that took it (at the image's resolution).
  public var camera: PinholeCamera
  public var kind: ScenarioKind
  public var seed: UInt64
  public var frame: Int
  public var weather: Weather
  public var light: Light
}
