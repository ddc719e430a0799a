/// The strip of road the ego vehicle will sweep: straight ahead, `halfWidth` metres to each side
/// of the camera (half the vehicle's width plus a margin), measured at the object's distance.
public struct EgoCorridor: Sendable, Hashable {
  public var calibration: CameraCalibration
  public var halfWidth: Double

  public init(calibration: CameraCalibration, halfWidth: Double) {
    self.calibration = calibration
    self.halfWidth = halfWidth
  }

  /// The lateral extent in metres of a box standing on the road (its bottom edge on the road);
  /// nil when the bottom edge is at or above the horizon.
  public func lateralExtent(of box: BoundingBox) -> (left: Double, right: Double)? {
    guard let left = calibration.groundPoint(imageX: box.minX, imageY: box.maxY),
      let right = calibration.groundPoint(imageX: box.maxX, imageY: box.maxY)
    else { return nil }
    return (left.lateral, right.lateral)
  }

  /// The fraction of the box's width on the road that lies inside the corridor (0...1).
  public func overlap(of box: BoundingBox) -> Double {
    lateralExtent(of: box).map(overlap(of:)) ?? 0
  }

  /// The fraction of a lateral extent (metres) that lies inside the corridor (0...1).
  public func overlap(of extent: (left: Double, right: Double)) -> Double {
    guard extent.right > extent.left else { return 0 }
    let inside = min(extent.right, halfWidth) - max(extent.left, -halfWidth)
    return max(0, inside) / (extent.right - extent.left)
  }

  /// The corridor's left and right image columns at image row `row` (for drawing it); nil at or
  /// above the horizon.
  public func columns(atRow row: Double) -> (left: Double, right: Double)? {
    guard let centre = calibration.groundPoint(imageX: calibration.principalX, imageY: row),
      let left = calibration.project(
        x: -halfWidth, y: calibration.mountHeightMeters, z: centre.forward),
      let right = calibration.project(x: halfWidth, y: calibration.mountHeightMeters, z: centre.forward)
    else { return nil }
    return (left.x, right.x)
  }
}
