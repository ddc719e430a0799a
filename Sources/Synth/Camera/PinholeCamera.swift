import FoundationEssentials

#if canImport(Glibc)
  import Glibc
#endif

/// A forward-facing pinhole camera on the ego vehicle.
///
/// Axes follow the camera convention Hiyari uses everywhere: x right, y down, z forward, in metres.
/// Points are given in the *level* ego frame: origin at the camera, z along the ego's heading,
/// y straight down, so the road is the plane y = `mountHeight`. The camera itself is pitched down by
/// `pitch` (radians, positive down) about its x axis; there is no roll. The principal point is the
/// image centre and pixels are square.
public struct PinholeCamera: Sendable, Hashable, Codable {
  public var width: Int
  public var height: Int
  /// Horizontal field of view in degrees.
  public var horizontalFOVDegrees: Double
  /// Height of the camera above the road in metres.
  public var mountHeight: Double
  /// Downward pitch in degrees.
  public var pitchDegrees: Double

  public init(
    width: Int = 1280, height: Int = 720, horizontalFOVDegrees: Double = 90, mountHeight: Double = 1.35,
    pitchDegrees: Double = 2
  ) {
    self.width = width
    self.height = height
    self.horizontalFOVDegrees = horizontalFOVDegrees
    self.mountHeight = mountHeight
    self.pitchDegrees = pitchDegrees
  }

  /// Focal length in pixels: (width / 2) / tan(hfov / 2).
  public var focalPixels: Double { Double(width) / 2 / tan(horizontalFOVDegrees * .pi / 360) }
  public var principalX: Double { Double(width) / 2 }
  public var principalY: Double { Double(height) / 2 }
  var pitch: Double { pitchDegrees * .pi / 180 }

  /// The image row of the horizon (where the road plane vanishes): cy - f * tan(pitch).
  public var horizonRow: Double { principalY - focalPixels * tan(pitch) }

  /// The same camera at another resolution (same field of view, mount and pitch).
  public func resized(width: Int, height: Int) -> PinholeCamera {
    var copy = self
    copy.width = width
    copy.height = height
    return copy
  }

  /// Camera-frame coordinates of a level-frame point (rotated by the pitch).
  @inlinable
  func toCamera(_ p: SIMD3<Double>, sinPitch: Double, cosPitch: Double) -> SIMD3<Double> {
    SIMD3(p.x, p.y * cosPitch - p.z * sinPitch, p.y * sinPitch + p.z * cosPitch)
  }

  /// The pixel (u, v) a level-frame point lands on, or nil when it is behind the camera.
  public func project(_ point: SIMD3<Double>) -> (u: Double, v: Double)? {
    let c = toCamera(point, sinPitch: sin(pitch), cosPitch: cos(pitch))
    guard c.z > 1e-6 else { return nil }
    let f = focalPixels
    return (principalX + f * c.x / c.z, principalY + f * c.y / c.z)
  }
}
