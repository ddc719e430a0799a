import Capture

/// A 640x360 H.264 clip of a white box (a car 1.8 m wide and 1.5 m tall) driving straight at a
/// calibrated camera at a constant closing speed, then gone: what an approaching lead vehicle
/// looks like to the TTC estimators, with a known answer. The camera: focal length 400 px,
/// principal point at the centre, horizon at the middle row (level), 1.4 m above the road.
struct ApproachingBoxClip {
  static let width = 640
  static let height = 360
  static let framesPerSecond = 30
  static let focal = 400.0
  static let mountHeight = 1.4
  static let carWidth = 1.8
  static let carHeight = 1.5
  static let startDistance = 30.0
  static let closingSpeed = 10.0
  /// Frames with the box approaching, then frames of empty road.
  static let approachFrames = 66
  static let emptyFrames = 45
  static var frameCount: Int { approachFrames + emptyFrames }

  /// The calibration file's JSON.
  static let calibrationJSON =
    #"{"width": 640, "height": 360, "focal_px": 400, "mount_height_m": 1.4, "horizon_row": 180}"#

  /// The box's distance in frame `index` (nil once it is gone).
  static func distance(frame index: Int) -> Double? {
    guard index < approachFrames else { return nil }
    return startDistance - closingSpeed * Double(index) / Double(framesPerSecond)
  }

  /// The box's pixel extent in frame `index`: columns `x0..<x1`, rows `y0..<y1`.
  static func box(frame index: Int) -> (x0: Int, y0: Int, x1: Int, y1: Int)? {
    guard let z = distance(frame: index) else { return nil }
    let cx = Double(width) / 2
    let cy = Double(height) / 2
    return (
      Int((cx - focal * carWidth / 2 / z).rounded()),
      Int((cy - focal * (carHeight - mountHeight) / z).rounded()),
      Int((cx + focal * carWidth / 2 / z).rounded()), Int((cy + focal * mountHeight / z).rounded())
    )
  }

  /// The TTC the clip implies at the last frame the box is seen.
  static var lastTTC: Double { distance(frame: approachFrames - 1)! / closingSpeed }

  /// Encodes the clip (GOP of one second) to `path`.
  static func write(to path: String) throws {
    var settings = H264EncoderSettings(width: width, height: height, framesPerSecond: framesPerSecond)
    settings.rateControl = .constantRateFactor(18)
    settings.keyframeInterval = framesPerSecond
    let writer = try H264MP4Writer(path: path, settings: settings)
    var rgb = [UInt8](repeating: 0, count: width * height * 3)
    for index in 0..<frameCount {
      for i in rgb.indices { rgb[i] = 40 }
      if let box = box(frame: index) {
        for y in max(0, box.y0)..<min(height, box.y1) {
          for x in max(0, box.x0)..<min(width, box.x1) {
            let offset = (y * width + x) * 3
            rgb[offset] = 255
            rgb[offset + 1] = 255
            rgb[offset + 2] = 255
          }
        }
      }
      try writer.append(rgb: rgb)
    }
    try writer.finish()
  }
}
