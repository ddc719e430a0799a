#if canImport(Glibc)
  import Glibc
#endif

/// A forward camera's pinhole model over a flat road: image size, focal length and principal
/// point in pixels, mount height above the road, and the horizon row. Axes: x right, y down,
/// z forward; the camera may be pitched down about x.
///
/// The JSON keys are those of the synthetic generator's `camera` label (`width`, `height`,
/// `focal_px`, `mount_height_m`, `pitch_deg`, `horizon_row`, optional `fps`,
/// `horizontal_fov_deg`, `principal_x`, `principal_y`), so a label's camera decodes as is.
/// The horizon row is the source of truth for the pitch (`pitch = atan((cy − horizon) / f)`,
/// positive looking down): it is what a person measures on a frame, and it makes the pitch
/// sign convention of the producer irrelevant. `pitch_deg` is used only when the row is absent.
public struct CameraCalibration: Sendable, Hashable, Codable {
  public var width: Int
  public var height: Int
  public var focalLengthPixels: Double
  public var principalX: Double
  public var principalY: Double
  public var mountHeightMeters: Double
  public var horizonRow: Double
  public var fps: Double?

  /// Makes a calibration; the horizon row defaults to the one `pitchDegrees` implies and the
  /// principal point to the image centre.
  public init(
    width: Int, height: Int, focalLengthPixels: Double, mountHeightMeters: Double,
    pitchDegrees: Double = 0, horizonRow: Double? = nil, principalX: Double? = nil,
    principalY: Double? = nil, fps: Double? = nil
  ) throws(PerceptionError) {
    self.width = width
    self.height = height
    self.focalLengthPixels = focalLengthPixels
    self.principalX = principalX ?? Double(width) / 2
    self.principalY = principalY ?? Double(height) / 2
    self.mountHeightMeters = mountHeightMeters
    self.horizonRow = horizonRow ?? (self.principalY - focalLengthPixels * tan(pitchDegrees * .pi / 180))
    self.fps = fps
    try validate()
  }

  enum CodingKeys: String, CodingKey {
    case width, height, fps
    case focalLengthPixels = "focal_px"
    case horizontalFieldOfViewDegrees = "horizontal_fov_deg"
    case principalX = "principal_x"
    case principalY = "principal_y"
    case mountHeightMeters = "mount_height_m"
    case pitchDegrees = "pitch_deg"
    case horizonRow = "horizon_row"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    let width = try container.decode(Int.self, forKey: .width)
    var focal = try container.decodeIfPresent(Double.self, forKey: .focalLengthPixels)
    if focal == nil,
      let fov = try container.decodeIfPresent(Double.self, forKey: .horizontalFieldOfViewDegrees),
      fov > 0, fov < 180
    {
      focal = Double(width) / 2 / tan(fov * .pi / 360)
    }
    guard let focal else {
      throw DecodingError.keyNotFound(
        CodingKeys.focalLengthPixels,
        .init(
          codingPath: container.codingPath, debugDescription: "focal_px or horizontal_fov_deg is required"))
    }
    try self.init(
      width: width, height: try container.decode(Int.self, forKey: .height), focalLengthPixels: focal,
      mountHeightMeters: try container.decode(Double.self, forKey: .mountHeightMeters),
      pitchDegrees: try container.decodeIfPresent(Double.self, forKey: .pitchDegrees) ?? 0,
      horizonRow: try container.decodeIfPresent(Double.self, forKey: .horizonRow),
      principalX: try container.decodeIfPresent(Double.self, forKey: .principalX),
      principalY: try container.decodeIfPresent(Double.self, forKey: .principalY),
      fps: try container.decodeIfPresent(Double.self, forKey: .fps))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(width, forKey: .width)
    try container.encode(height, forKey: .height)
    try container.encode(focalLengthPixels, forKey: .focalLengthPixels)
    try container.encode(principalX, forKey: .principalX)
    try container.encode(principalY, forKey: .principalY)
    try container.encode(mountHeightMeters, forKey: .mountHeightMeters)
    try container.encode(pitchRadians * 180 / .pi, forKey: .pitchDegrees)
    try container.encode(horizonRow, forKey: .horizonRow)
    try container.encodeIfPresent(fps, forKey: .fps)
  }

  /// Rejects values no real camera has (hostile or mistyped files).
  public func validate() throws(PerceptionError) {
    guard (1...16384).contains(width), (1...16384).contains(height) else {
      throw PerceptionError("calibration: image size \(width)x\(height) is out of range")
    }
    guard focalLengthPixels.isFinite, focalLengthPixels > 1, focalLengthPixels < 1e6 else {
      throw PerceptionError("calibration: focal length \(focalLengthPixels) px is not plausible")
    }
    guard mountHeightMeters.isFinite, mountHeightMeters > 0.1, mountHeightMeters < 20 else {
      throw PerceptionError("calibration: mount height \(mountHeightMeters) m is not plausible")
    }
    guard principalX.isFinite, principalY.isFinite, horizonRow.isFinite,
      abs(horizonRow - principalY) < 10 * focalLengthPixels
    else {
      throw PerceptionError("calibration: principal point or horizon row is not a finite, plausible row")
    }
  }

  /// The downward pitch implied by the horizon row.
  public var pitchRadians: Double { atan((principalY - horizonRow) / focalLengthPixels) }

  /// The image point of a point in road-aligned camera coordinates (x right, y down from the
  /// camera centre, z forward along the road); nil behind the camera.
  public func project(x: Double, y: Double, z: Double) -> (x: Double, y: Double)? {
    let p = pitchRadians
    let cameraY = y * cos(p) - z * sin(p)
    let cameraZ = y * sin(p) + z * cos(p)
    guard cameraZ > 1e-6 else { return nil }
    return (principalX + focalLengthPixels * x / cameraZ, principalY + focalLengthPixels * cameraY / cameraZ)
  }

  /// The road point seen at an image point: lateral offset and forward distance in metres; nil
  /// at or above the horizon (the ray never meets the road).
  public func groundPoint(imageX: Double, imageY: Double) -> (lateral: Double, forward: Double)? {
    let p = pitchRadians
    let rayX = (imageX - principalX) / focalLengthPixels
    let rayY = (imageY - principalY) / focalLengthPixels
    let down = rayY * cos(p) + sin(p)
    guard down > 1e-9 else { return nil }
    let distance = mountHeightMeters / down
    return (distance * rayX, distance * (cos(p) - rayY * sin(p)))
  }
}
