/// The camera calibration as label files record it.
public struct CameraLabel: Sendable, Hashable, Codable {
  public var width: Int
  public var height: Int
  public var fps: Double
  public var horizontalFOVDegrees: Double
  public var focalPixels: Double
  public var mountHeightM: Double
  public var pitchDegrees: Double
  public var horizonRow: Double

  public init(_ camera: PinholeCamera, fps: Double) {
    width = camera.width
    height = camera.height
    self.fps = fps
    horizontalFOVDegrees = camera.horizontalFOVDegrees
    focalPixels = camera.focalPixels
    mountHeightM = camera.mountHeight
    pitchDegrees = camera.pitchDegrees
    horizonRow = camera.horizonRow
  }

  enum CodingKeys: String, CodingKey {
    case width, height, fps
    case horizontalFOVDegrees = "horizontal_fov_deg"
    case focalPixels = "focal_px"
    case mountHeightM = "mount_height_m"
    case pitchDegrees = "pitch_deg"
    case horizonRow = "horizon_row"
  }
}
