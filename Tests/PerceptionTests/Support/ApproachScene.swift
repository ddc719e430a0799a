@testable import Perception

/// A box-shaped object on a flat road in front of a pinhole camera, moved along a path of
/// constant-speed segments and projected to image boxes: ground truth for TTC tests.
struct ApproachScene {
  var calibration: CameraCalibration
  /// Object size in metres.
  var width = 1.8
  var height = 1.5
  /// Lateral offset of the object's centre, metres.
  var lateral = 0.0
  /// Distance to the object's rear at time 0.
  var startRange: Double
  /// (duration s, closing speed m/s) segments, in order.
  var segments: [(duration: Double, closingSpeed: Double)]
  var fps = 30.0

  /// The object's rear distance at `time`.
  func range(at time: Double) -> Double {
    var z = startRange
    var t = time
    for segment in segments {
      let step = min(t, segment.duration)
      z -= segment.closingSpeed * step
      t -= step
      if t <= 0 { break }
    }
    return z
  }

  /// The closing speed at `time` (the last segment's after the path ends).
  func closingSpeed(at time: Double) -> Double {
    var t = time
    for segment in segments {
      if t < segment.duration { return segment.closingSpeed }
      t -= segment.duration
    }
    return segments.last?.closingSpeed ?? 0
  }

  /// The true TTC at `time` (infinity when not closing).
  func ttc(at time: Double) -> Double {
    let speed = closingSpeed(at: time)
    return speed > 0 ? range(at: time) / speed : .infinity
  }

  var duration: Double { segments.reduce(0) { $0 + $1.duration } }
  var frameCount: Int { Int((duration * fps).rounded(.down)) }
  func time(ofFrame frame: Int) -> Double { Double(frame) / fps }

  /// The image box of the object's rear face at `time`; `rounded` snaps edges to whole pixels
  /// as a detector's output would be quantized.
  func box(at time: Double, rounded: Bool = false) -> BoundingBox {
    let z = range(at: time)
    let h = calibration.mountHeightMeters
    var xs: [Double] = []
    var ys: [Double] = []
    for x in [lateral - width / 2, lateral + width / 2] {
      for y in [h - height, h] {
        let point = calibration.project(x: x, y: y, z: z)!
        xs.append(point.x)
        ys.append(point.y)
      }
    }
    let box = BoundingBox(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!)
    guard rounded else { return box }
    return BoundingBox(
      minX: box.minX.rounded(), minY: box.minY.rounded(), maxX: box.maxX.rounded(), maxY: box.maxY.rounded())
  }

  /// The object as a confirmed track seen in the frame at `time`.
  func track(at time: Double, id: Int = 1, rounded: Bool = false) -> TrackedObject {
    let box = box(at: time, rounded: rounded)
    return TrackedObject(
      id: id, state: .tracked, classIndex: 1, box: box,
      detection: Detection(box: box, score: 0.9, classIndex: 1),
      age: 1, hits: 1, framesSinceSeen: 0)
  }

  /// A 1280x720 camera with a 1000-pixel focal length, 1.3 m above the road.
  static func camera(pitchDegrees: Double = 0) -> CameraCalibration {
    try! CameraCalibration(
      width: 1280, height: 720, focalLengthPixels: 1000, mountHeightMeters: 1.3, pitchDegrees: pitchDegrees)
  }
}
