#if canImport(Glibc)
  import Glibc
#endif

extension CameraCalibration {
  /// The same camera at another resolution (a stream scaled by the encoder or the camera's
  /// mode): focal length, principal point and horizon scale with the image. Fails when the
  /// aspect ratio differs by more than 1% (then it is another crop, not the same camera).
  public func scaled(toWidth newWidth: Int, height newHeight: Int) throws(PerceptionError)
    -> CameraCalibration
  {
    if newWidth == width && newHeight == height { return self }
    let sx = Double(newWidth) / Double(width)
    let sy = Double(newHeight) / Double(height)
    guard abs(sx / sy - 1) <= 0.01 else {
      throw PerceptionError(
        "calibration is for \(width)x\(height) but the video is \(newWidth)x\(newHeight), another aspect ratio"
      )
    }
    return try CameraCalibration(
      width: newWidth, height: newHeight, focalLengthPixels: focalLengthPixels * sx,
      mountHeightMeters: mountHeightMeters, horizonRow: horizonRow * sy, principalX: principalX * sx,
      principalY: principalY * sy, fps: fps)
  }

  /// What a run assumes without a calibration file: a dashcam with a 70° horizontal field of
  /// view, 1.3 m above the road, looking level (horizon at the middle row).
  public static func assumed(width: Int, height: Int) throws(PerceptionError) -> CameraCalibration {
    try CameraCalibration(
      width: width, height: height, focalLengthPixels: Double(width) / 2 / tan(35 * Double.pi / 180),
      mountHeightMeters: 1.3)
  }
}
