/// Thresholds of near-miss scoring. Defaults follow forward-collision-warning practice: NHTSA's
/// FCW confirmation test expects a warning by a TTC of 2.0-2.4 s and Mobileye warns up to
/// 3.0 s ahead, so a warning fires when the TTC in the ego corridor stays at or under 2.5 s
/// for 3 consecutive frames; caution (4.0 s) is an early notice, critical (1.5 s) the point
/// where braking must already be under way. All times in seconds, distances in metres.
public struct NearMissConfig: Sendable, Hashable, Codable {
  public var cautionTTC = 4.0
  public var warningTTC = 2.5
  public var criticalTTC = 1.5
  /// A level is raised only after the TTC has been at or under its threshold this many
  /// consecutive frames (confirmation: one noisy frame raises nothing).
  public var confirmFrames = 3
  /// A level is lowered only after the TTC has stayed above threshold + `hysteresisSeconds`
  /// this many consecutive frames (no flicker around a threshold).
  public var releaseFrames = 5
  public var hysteresisSeconds = 0.5
  /// After an event ends, the same track raising again within this time extends that event
  /// instead of starting a new one, and raises no new alert.
  public var refractorySeconds = 3.0
  /// The level at which an event is opened.
  public var eventLevel = RiskLevel.warning
  /// Half the ego vehicle's width, and the margin added to it each side: the corridor the ego
  /// sweeps, on the road at the object. An object beside it (a parked car, a car in the next
  /// lane) is passed, not hit, however fast it looms; an installer sets the truck's own width.
  public var egoHalfWidth = 0.9
  public var corridorMargin = 0.3
  /// Fraction of the object's width that must lie in the corridor for it to be in the path.
  public var minimumCorridorOverlap = 0.1
  /// Whether a vehicle (not a pedestrian or a rider, who may stop or turn back anywhere) whose
  /// lateral track puts it wholly clear of the corridor by its TTC is out of the path even while
  /// its box overlaps it: an oncoming car seen across a bend, a car turning or changing lanes
  /// away. The straight corridor knows no road curvature; vehicles follow their lanes.
  public var vehiclesLeavingThePathAreClear = true
  /// Whether a vehicle whose lateral track, extrapolated to its TTC (the road's bend taken out,
  /// see `TTCEstimator`), lands inside the corridor is in the path before its box reaches it, as
  /// a pedestrian about to step out is. Turning it off trades recall for false alarms: on the
  /// event scenarios with the int8 detector, 3 of its 17 near misses found (cut-ins and drifts
  /// it sees late) against 16 of its 42 false alarms. Vehicles then enter the path only once
  /// their box overlaps the corridor.
  public var predictsVehiclesIntoThePath = true
  /// TTC estimators fit the samples of this recent time window...
  public var windowSeconds = 0.5
  /// ...and need at least this many of them, spanning at least `minimumSpanSeconds` (a line
  /// through a few samples close together turns pixel noise into wild rates).
  public var minimumSamples = 5
  public var minimumSpanSeconds = 0.3
  /// Objects closing slower than this, or farther than `maximumRange`, carry no risk.
  public var minimumClosingSpeed = 0.5
  public var maximumRange = 80.0
  /// A box whose bottom is within this many pixels of the frame's bottom is cut off: its
  /// ground distance and height are not used.
  public var edgeMarginPixels = 2.0
  /// At most this many tracks are scored at once (bounds memory against a hostile detector).
  public var maximumTracks = 256

  public init() {}

  enum CodingKeys: String, CodingKey {
    case cautionTTC
    case warningTTC
    case criticalTTC
    case confirmFrames
    case releaseFrames
    case hysteresisSeconds
    case refractorySeconds
    case eventLevel
    case egoHalfWidth
    case corridorMargin
    case minimumCorridorOverlap
    case vehiclesLeavingThePathAreClear
    case predictsVehiclesIntoThePath
    case windowSeconds
    case minimumSamples
    case minimumSpanSeconds
    case minimumClosingSpeed
    case maximumRange
    case edgeMarginPixels
    case maximumTracks
  }

  /// Decodes a config in which every key is optional: a file names only what it changes.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    cautionTTC = try container.decodeIfPresent(type(of: cautionTTC), forKey: .cautionTTC) ?? cautionTTC
    warningTTC = try container.decodeIfPresent(type(of: warningTTC), forKey: .warningTTC) ?? warningTTC
    criticalTTC = try container.decodeIfPresent(type(of: criticalTTC), forKey: .criticalTTC) ?? criticalTTC
    confirmFrames =
      try container.decodeIfPresent(type(of: confirmFrames), forKey: .confirmFrames) ?? confirmFrames
    releaseFrames =
      try container.decodeIfPresent(type(of: releaseFrames), forKey: .releaseFrames) ?? releaseFrames
    hysteresisSeconds =
      try container.decodeIfPresent(type(of: hysteresisSeconds), forKey: .hysteresisSeconds)
      ?? hysteresisSeconds
    refractorySeconds =
      try container.decodeIfPresent(type(of: refractorySeconds), forKey: .refractorySeconds)
      ?? refractorySeconds
    eventLevel = try container.decodeIfPresent(type(of: eventLevel), forKey: .eventLevel) ?? eventLevel
    egoHalfWidth =
      try container.decodeIfPresent(type(of: egoHalfWidth), forKey: .egoHalfWidth) ?? egoHalfWidth
    corridorMargin =
      try container.decodeIfPresent(type(of: corridorMargin), forKey: .corridorMargin) ?? corridorMargin
    minimumCorridorOverlap =
      try container.decodeIfPresent(type(of: minimumCorridorOverlap), forKey: .minimumCorridorOverlap)
      ?? minimumCorridorOverlap
    vehiclesLeavingThePathAreClear =
      try container.decodeIfPresent(
        type(of: vehiclesLeavingThePathAreClear), forKey: .vehiclesLeavingThePathAreClear)
      ?? vehiclesLeavingThePathAreClear
    predictsVehiclesIntoThePath =
      try container.decodeIfPresent(
        type(of: predictsVehiclesIntoThePath), forKey: .predictsVehiclesIntoThePath)
      ?? predictsVehiclesIntoThePath
    windowSeconds =
      try container.decodeIfPresent(type(of: windowSeconds), forKey: .windowSeconds) ?? windowSeconds
    minimumSamples =
      try container.decodeIfPresent(type(of: minimumSamples), forKey: .minimumSamples) ?? minimumSamples
    minimumSpanSeconds =
      try container.decodeIfPresent(type(of: minimumSpanSeconds), forKey: .minimumSpanSeconds)
      ?? minimumSpanSeconds
    minimumClosingSpeed =
      try container.decodeIfPresent(type(of: minimumClosingSpeed), forKey: .minimumClosingSpeed)
      ?? minimumClosingSpeed
    maximumRange =
      try container.decodeIfPresent(type(of: maximumRange), forKey: .maximumRange) ?? maximumRange
    edgeMarginPixels =
      try container.decodeIfPresent(type(of: edgeMarginPixels), forKey: .edgeMarginPixels) ?? edgeMarginPixels
    maximumTracks =
      try container.decodeIfPresent(type(of: maximumTracks), forKey: .maximumTracks) ?? maximumTracks
  }

  /// The TTC threshold of `level` (infinity for `.none`).
  public func threshold(_ level: RiskLevel) -> Double {
    switch level {
    case .none: .infinity
    case .caution: cautionTTC
    case .warning: warningTTC
    case .critical: criticalTTC
    }
  }

  /// Rejects inconsistent thresholds.
  public func validate() throws(PerceptionError) {
    guard criticalTTC > 0, criticalTTC < warningTTC, warningTTC < cautionTTC else {
      throw PerceptionError("near-miss thresholds must satisfy 0 < critical < warning < caution")
    }
    guard confirmFrames >= 1, releaseFrames >= 1, confirmFrames <= 1000, releaseFrames <= 1000,
      minimumSamples >= 3, minimumSamples <= 1000, maximumTracks >= 1, maximumTracks <= 100_000
    else { throw PerceptionError("near-miss frame counts are out of range") }
    guard hysteresisSeconds >= 0, refractorySeconds >= 0, windowSeconds > 0,
      minimumSpanSeconds >= 0, minimumSpanSeconds < windowSeconds, egoHalfWidth > 0,
      corridorMargin >= 0, eventLevel != .none
    else { throw PerceptionError("near-miss times and widths must be positive, the event level not none") }
  }
}
