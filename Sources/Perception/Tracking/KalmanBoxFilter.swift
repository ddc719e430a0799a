/// A constant-velocity Kalman filter on a box, as in SORT/DeepSORT/ByteTrack: the state is the
/// centre (x, y), the aspect ratio a = w / h and the height h, plus their velocities per frame;
/// the measurement is (x, y, a, h). Noise scales with the box height so near and far objects
/// are treated alike (ByteTrack's weights: 1/20 of h for position, 1/160 for velocity).
public struct KalmanBoxFilter: Sendable {
  /// State mean: x, y, a, h, vx, vy, va, vh.
  private(set) var mean: [Double]
  private(set) var covariance: SmallMatrix
  private static let positionWeight = 1.0 / 20
  private static let velocityWeight = 1.0 / 160

  /// Starts a filter at `box` with zero velocity and a wide velocity uncertainty.
  public init(box: BoundingBox) {
    let measurement = Self.measurement(box)
    mean = measurement + [0, 0, 0, 0]
    let h = measurement[3]
    let p = Self.positionWeight
    let v = Self.velocityWeight
    covariance = .diagonal(
      [2 * p * h, 2 * p * h, 1e-2, 2 * p * h, 10 * v * h, 10 * v * h, 1e-5, 10 * v * h].map { $0 * $0 })
  }

  /// The box of the current state estimate.
  public var box: BoundingBox {
    let h = max(mean[3], 0)
    return BoundingBox(centerX: mean[0], centerY: mean[1], width: max(mean[2], 0) * h, height: h)
  }

  /// Centre velocity in pixels per frame.
  public var velocity: (x: Double, y: Double) { (mean[4], mean[5]) }

  /// Advances the state by one frame. `freezeHeight` stops the height from changing (used while
  /// a track is lost, as ByteTrack does, so an unseen box does not grow or vanish).
  public mutating func predict(freezeHeight: Bool = false) {
    if freezeHeight { mean[7] = 0 }
    let h = max(mean[3], 1)
    let p = Self.positionWeight
    let v = Self.velocityWeight
    let noise = SmallMatrix.diagonal([p * h, p * h, 1e-2, p * h, v * h, v * h, 1e-5, v * h].map { $0 * $0 })
    let transition = Self.transition
    for index in 0..<4 { mean[index] += mean[index + 4] }
    covariance = transition * covariance * transition.transposed + noise
  }

  /// Corrects the state with a measured box.
  public mutating func update(with box: BoundingBox) {
    let z = Self.measurement(box)
    let h = max(mean[3], 1)
    let p = Self.positionWeight
    let noise = SmallMatrix.diagonal([p * h, p * h, 1e-1, p * h].map { $0 * $0 })
    let observation = Self.observation
    let projected = observation * covariance * observation.transposed + noise
    guard let inverse = projected.inverse else { return }
    let gain = covariance * observation.transposed * inverse
    var innovation = SmallMatrix(rows: 4, columns: 1)
    for index in 0..<4 { innovation[index, 0] = z[index] - mean[index] }
    let correction = gain * innovation
    for index in 0..<8 { mean[index] += correction[index, 0] }
    covariance = covariance - gain * projected * gain.transposed
  }

  private static func measurement(_ box: BoundingBox) -> [Double] {
    let h = max(box.height, 1e-3)
    return [box.centerX, box.centerY, box.width / h, h]
  }

  private static let transition: SmallMatrix = {
    var matrix = SmallMatrix.identity(8)
    for index in 0..<4 { matrix[index, index + 4] = 1 }
    return matrix
  }()

  private static let observation: SmallMatrix = {
    var matrix = SmallMatrix(rows: 4, columns: 8)
    for index in 0..<4 { matrix[index, index] = 1 }
    return matrix
  }()
}
