/// Estimates one track's time to collision from its recent boxes.
///
/// Both estimators fit a straight line over the last `windowSeconds` of samples, because under
/// a constant closing speed both fitted quantities are linear in time, so the fit has no lag:
/// - scale: the inverse box height q = 1/h is proportional to depth, so TTC = −q(now) / q̇;
/// - ground: the road distance Z of the box's bottom edge (through the calibration), so
///   TTC = −Z(now) / Ż, and the closing speed is −Ż.
///
/// Fusion rule: the two are averaged in the rate domain (1/TTC, which is finite and signed
/// when an object recedes), each weighted by the inverse variance that its own fit's standard
/// errors imply. So the ground estimate dominates near the camera, where a pixel of bottom edge
/// is centimetres, and the scale estimate far away, where the bottom edge nears the horizon;
/// when only one is available it is used alone.
///
/// Limits: a change of closing speed (braking, a sudden stop) is seen only as the window fills
/// with new samples; right after a stop the fit briefly under-estimates the TTC. A box cut off
/// by the top or bottom of the frame shows only part of the object's height, and at the bottom
/// no ground distance: its samples feed neither fit.
///
/// Where the object is aside: a box off to one side takes in the object's flank, so its bottom
/// edge is the object's nearest corner while its inner edge comes from a farther one, which
/// projected at the bottom edge's distance lands nearer the ego's path than the object is (every
/// parked car passed would seem to be in it). The inner edge is therefore kept within the
/// object's width (`ObjectWidth`) of the outer edge, which is a near corner. A box cut off by
/// the bottom or a side of the frame has lost one of those edges: its corridor overlap is that
/// of the track's last whole box.
///
/// Where the object is going: the lateral position's line, extrapolated to the TTC, brings in
/// an object predicted inside the corridor (a pedestrian about to step into it; vehicles only
/// with `NearMissConfig.predictsVehiclesIntoThePath`, since through a bend the ego's turning
/// makes the next lane's vehicles seem to drift in), and, for vehicles
/// (`NearMissConfig.vehiclesLeavingThePathAreClear`), clears one predicted wholly outside it even
/// while its box overlaps it (an oncoming car across a bend).
///
/// Through a bend of curvature κ, a road user keeping to its lane at lateral offset d is seen at
/// x ≈ d + κZ²/2 at range Z: as it closes, its x changes though it keeps its lane, and a straight
/// line through x(t) reaches the ego's path. Given the road's curvature (`add(roadCurvature:)`,
/// which `NearMissScorer` takes as the median of every track's `roadCurvatureSample()`), the
/// prediction takes the lane's share out: x at the TTC ≈ x − κZ²/2 + (ẋ − κZŻ)·TTC, the last term
/// the object's own sideways speed.
struct TTCEstimator: Sendable {
  private var samples: [(time: Double, height: Double?, range: Double?, lateral: Double?)] = []
  /// The lateral extent (metres) of the track's last box not cut off.
  private var lastExtent: (left: Double, right: Double)?
  private let config: NearMissConfig
  private let corridor: EgoCorridor
  private let frameHeight: Double
  private let frameWidth: Double
  /// Enough samples for any window at up to 240 fps; old ones are dropped first.
  private static let sampleCapacity = 240

  init(config: NearMissConfig, calibration: CameraCalibration) {
    self.config = config
    self.corridor = EgoCorridor(
      calibration: calibration, halfWidth: config.egoHalfWidth + config.corridorMargin)
    self.frameHeight = Double(calibration.height)
    self.frameWidth = Double(calibration.width)
  }

  /// Adds the box measured at `time` (seconds) of an object at most `objectWidth` metres wide
  /// across; returns the estimate at that time.
  mutating func add(
    _ box: BoundingBox, at time: Double, objectWidth: Double = ObjectWidth.largest, isVehicle: Bool = false,
    roadCurvature: Double = 0
  ) -> TTCEstimate {
    let margin = config.edgeMarginPixels
    let cutBottom = box.maxY >= frameHeight - margin
    let cutSide = box.minX <= margin || box.maxX >= frameWidth - margin
    let fullHeight = !cutBottom && box.minY > margin
    var range: Double?
    var extent: (left: Double, right: Double)?
    if !cutBottom, let ground = corridor.calibration.groundPoint(imageX: box.centerX, imageY: box.maxY) {
      range = ground.forward
      if !cutSide { extent = Self.bounded(corridor.lateralExtent(of: box), width: objectWidth) }
    }
    samples.removeAll { $0.time <= time - config.windowSeconds || $0.time >= time }
    if samples.count >= Self.sampleCapacity { samples.removeFirst(samples.count - Self.sampleCapacity + 1) }
    samples.append((time, fullHeight ? box.height : nil, range, extent.map { ($0.left + $0.right) / 2 }))
    if let extent { lastExtent = extent }
    let overlap = (extent ?? lastExtent).map(corridor.overlap(of:)) ?? corridor.overlap(of: box)
    let clearing = isVehicle && config.vehiclesLeavingThePathAreClear ? objectWidth / 2 : nil
    return estimate(
      at: time, overlap: overlap, clearingHalfWidth: clearing,
      predictsEntry: !isVehicle || config.predictsVehiclesIntoThePath, roadCurvature: roadCurvature)
  }

  /// The road's curvature (1/m, positive bending right) implied by this track if it keeps its
  /// lane: the slope of its lateral position against its range, over the window, divided by the
  /// mean range (x ≈ d + κZ²/2, so dx/dZ ≈ κZ). Nil without enough samples, nearer than 10 m
  /// (where a pixel is a large slope) or closing less than 2 m over the window.
  func roadCurvatureSample() -> Double? {
    let points = samples.compactMap { sample -> (time: Double, value: Double)? in
      guard let range = sample.range, let lateral = sample.lateral else { return nil }
      return (time: range, value: lateral)
    }
    guard points.count >= config.minimumSamples, let nearest = points.map(\.time).min(),
      let farthest = points.map(\.time).max(), nearest >= 10, farthest - nearest >= 2
    else { return nil }
    let meanRange = points.reduce(0) { $0 + $1.time } / Double(points.count)
    guard let fit = LinearFit(points, at: meanRange) else { return nil }
    return fit.slope / meanRange
  }

  /// `extent` with its inner edge (the one nearer the camera's axis, when both are on one side)
  /// at most `width` from its outer edge.
  static func bounded(_ extent: (left: Double, right: Double)?, width: Double) -> (
    left: Double, right: Double
  )? {
    guard var extent else { return nil }
    if extent.right < 0 {
      extent.right = max(extent.left, min(extent.right, extent.left + width))
    } else if extent.left > 0 {
      extent.left = min(extent.right, max(extent.left, extent.right - width))
    }
    return extent
  }

  /// Whether `samples` are enough for a line: count and time span.
  private func sufficient(_ samples: [(time: Double, value: Double)]) -> Bool {
    guard samples.count >= config.minimumSamples, let first = samples.first, let last = samples.last else {
      return false
    }
    return last.time - first.time >= config.minimumSpanSeconds
  }

  /// The estimate at `time`, with the box's corridor overlap already found. With
  /// `clearingHalfWidth`, an object whose centre is predicted farther than that beyond the
  /// corridor at its TTC is not in the path; with `predictsEntry`, one predicted inside it is.
  private func estimate(
    at time: Double, overlap: Double, clearingHalfWidth: Double?, predictsEntry: Bool, roadCurvature: Double
  ) -> TTCEstimate {
    var result = TTCEstimate()
    result.corridorOverlap = overlap
    var rates: [(rate: Double, variance: Double)] = []

    let scaled = samples.compactMap { sample in
      sample.height.flatMap { $0 > 1 ? (time: sample.time, value: 1 / $0) : nil }
    }
    if sufficient(scaled), let fit = LinearFit(scaled, at: time), fit.value > 0 {
      let rate = -fit.slope / fit.value
      if rate > 0 { result.fromScale = 1 / rate }
      rates.append((rate, Self.rateVariance(fit)))
    }
    let ranged = samples.compactMap { sample in sample.range.map { (time: sample.time, value: $0) } }
    if sufficient(ranged), let fit = LinearFit(ranged, at: time), fit.value > 0 {
      let rate = -fit.slope / fit.value
      if rate > 0 { result.fromGround = 1 / rate }
      result.range = fit.value
      result.closingSpeed = -fit.slope
      rates.append((rate, Self.rateVariance(fit)))
    }
    if !rates.isEmpty {
      // A perfect fit (variance 0) must not divide by zero; the floor is far below real noise.
      let weights = rates.map { 1 / max($0.variance, 1e-12) }
      let rate = zip(rates, weights).reduce(0) { $0 + $1.0.rate * $1.1 } / weights.reduce(0, +)
      if rate > 0 { result.fused = 1 / rate }
    }

    var predictedInside = false
    var predictedClear = false
    let laterals = samples.compactMap { sample in sample.lateral.map { (time: sample.time, value: $0) } }
    if let ttc = result.fused, sufficient(laterals),
      let fit = LinearFit(laterals, at: time)
    {
      // The lane's share of the lateral motion (see the type's comment); none without a range.
      var lane = 0.0
      var laneSpeed = 0.0
      if let range = result.range, let closing = result.closingSpeed {
        lane = roadCurvature * range * range / 2
        laneSpeed = -roadCurvature * range * closing
      }
      let predicted = fit.value - lane + (fit.slope - laneSpeed) * ttc
      predictedInside = predictsEntry && abs(predicted) <= corridor.halfWidth
      if let clearingHalfWidth { predictedClear = abs(predicted) > corridor.halfWidth + clearingHalfWidth }
    }
    let closing = result.closingSpeed.map { $0 >= config.minimumClosingSpeed } ?? true
    let near = result.range.map { $0 <= config.maximumRange } ?? true
    let overlapping = result.corridorOverlap >= config.minimumCorridorOverlap && !predictedClear
    result.inPath = closing && near && (overlapping || predictedInside)
    return result
  }

  /// Variance of the rate −slope / value, by first-order error propagation.
  private static func rateVariance(_ fit: LinearFit) -> Double {
    let value = fit.value
    let a = fit.slopeError / value
    let b = fit.slope * fit.valueError / (value * value)
    return a * a + b * b
  }
}
