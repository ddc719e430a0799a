/// What the scorer knows about one track's approach at one instant. TTCs are to the camera's
/// plane, in seconds; nil when that estimator has too few usable samples or the object is not
/// closing.
public struct TTCEstimate: Sendable, Hashable, Codable {
  /// From the rate at which the box grows: `TTC = −q / q̇` for `q = 1 / height`.
  public var fromScale: Double?
  /// From the distance along the road of the box's bottom edge: `TTC = −Z / Ż`.
  public var fromGround: Double?
  /// The two fused (see `TTCEstimator`); nil when neither is available or the object recedes.
  public var fused: Double?
  /// Distance along the road to the object's bottom edge, metres.
  public var range: Double?
  /// Speed at which that distance shrinks, m/s (negative when receding).
  public var closingSpeed: Double?
  /// Fraction of the object's width that lies in the ego corridor now.
  public var corridorOverlap: Double
  /// Whether the object is in the ego path: overlapping the corridor now, or predicted to be in
  /// it at the time of closest approach.
  public var inPath: Bool

  public init(
    fromScale: Double? = nil, fromGround: Double? = nil, fused: Double? = nil, range: Double? = nil,
    closingSpeed: Double? = nil, corridorOverlap: Double = 0, inPath: Bool = false
  ) {
    self.fromScale = fromScale
    self.fromGround = fromGround
    self.fused = fused
    self.range = range
    self.closingSpeed = closingSpeed
    self.corridorOverlap = corridorOverlap
    self.inPath = inPath
  }
}
