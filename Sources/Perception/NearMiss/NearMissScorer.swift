/// Scores tracks for near misses frame by frame: a TTC estimate per track (`TTCEstimator`), a
/// risk level with confirmation and hysteresis (`RiskHysteresis`), alerts, and events that
/// open at `NearMissConfig.eventLevel` and close once the level has stayed below it for the
/// refractory period (a re-raise within it extends the same event rather than repeating it).
public struct NearMissScorer: Sendable {
  public let config: NearMissConfig
  public let calibration: CameraCalibration
  public let classNames: [String]
  public let modelHash: String
  private var states: [Int: TrackRiskState] = [:]
  /// The road's curvature as the last frame's tracks imply it (0 until at least three agree).
  public private(set) var roadCurvature = 0.0
  /// Tracks whose `roadCurvatureSample()` it takes for a median.
  static let minimumCurvatureTracks = 3
  /// The sharpest bend believed (1/m): a 50 m radius.
  static let maximumCurvature = 0.02

  private struct OpenEvent: Sendable {
    var start: Double
    var peak: Double
    var minimumTTC: Double
    var level: RiskLevel
    var classIndex: Int
    var closingSpeed: Double?
    var peakBox: BoundingBox
    /// When the level fell below the event level; nil while the event is active.
    var fellAt: Double?
  }

  private struct TrackRiskState: Sendable {
    var estimator: TTCEstimator
    var hysteresis = RiskHysteresis()
    var event: OpenEvent?
    var lastSeen: Double
  }

  public init(
    calibration: CameraCalibration, config: NearMissConfig = NearMissConfig(),
    classNames: [String] = DetectorLayout.hiyariClasses, modelHash: String = ""
  ) throws(PerceptionError) {
    try config.validate()
    try calibration.validate()
    self.config = config
    self.calibration = calibration
    self.classNames = classNames
    self.modelHash = modelHash
  }

  /// Scores one frame's tracks at `time` (seconds, the frame's timestamp). Tracks missing from
  /// `tracks` are forgotten and their open events finished.
  public mutating func update(_ tracks: [TrackedObject], at time: Double) -> NearMissUpdate {
    var update = NearMissUpdate()
    let present = Set(tracks.map(\.id))
    for id in states.keys.sorted() where !present.contains(id) {
      if let state = states.removeValue(forKey: id), let event = state.event {
        update.finishedEvents.append(finish(event, trackID: id, end: event.fellAt ?? state.lastSeen))
      }
    }
    for track in tracks {
      if states[track.id] == nil {
        guard states.count < config.maximumTracks else { continue }
        states[track.id] = TrackRiskState(
          estimator: TTCEstimator(config: config, calibration: calibration), lastSeen: time)
      }
      guard var state = states[track.id] else { continue }
      var estimate: TTCEstimate?
      if let detection = track.detection {
        let name = className(track.classIndex)
        let measured = state.estimator.add(
          detection.box, at: time, objectWidth: ObjectWidth.across(className: name),
          isVehicle: ObjectWidth.isVehicle(className: name), roadCurvature: roadCurvature)
        estimate = measured
        state.lastSeen = time
        let level = state.hysteresis.update(ttc: measured.fused, inPath: measured.inPath, config: config)
        advanceEvent(
          &state, trackID: track.id, classIndex: track.classIndex, level: level,
          estimate: measured, box: detection.box, time: time, update: &update)
      }
      if let event = state.event, let fell = event.fellAt, time - fell >= config.refractorySeconds {
        update.finishedEvents.append(finish(event, trackID: track.id, end: fell))
        state.event = nil
      }
      update.assessments.append(
        TrackAssessment(
          trackID: track.id, classIndex: track.classIndex, box: track.detection?.box ?? track.box,
          estimate: estimate, level: state.hysteresis.level))
      states[track.id] = state
    }
    roadCurvature = Self.medianCurvature(states.values.compactMap { $0.estimator.roadCurvatureSample() })
    return update
  }

  /// The median of the tracks' curvature samples (those that cut in, cross or turn are few and
  /// fall outside it), within ±`maximumCurvature`; 0 with fewer than `minimumCurvatureTracks`.
  static func medianCurvature(_ samples: [Double]) -> Double {
    guard samples.count >= minimumCurvatureTracks else { return 0 }
    let sorted = samples.sorted()
    let middle = sorted.count / 2
    let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    return min(max(median, -maximumCurvature), maximumCurvature)
  }

  /// Finishes every open event (at the end of a stream).
  public mutating func finishAll() -> [NearMissEvent] {
    var events: [NearMissEvent] = []
    for id in states.keys.sorted() {
      if let state = states[id], let event = state.event {
        events.append(finish(event, trackID: id, end: event.fellAt ?? state.lastSeen))
      }
    }
    states.removeAll()
    return events
  }

  private func advanceEvent(
    _ state: inout TrackRiskState, trackID: Int, classIndex: Int, level: RiskLevel, estimate: TTCEstimate,
    box: BoundingBox, time: Double, update: inout NearMissUpdate
  ) {
    let ttc = estimate.fused ?? .infinity
    if level >= config.eventLevel {
      if var event = state.event {
        event.fellAt = nil
        if level > event.level {
          update.alerts.append(NearMissAlert(trackID: trackID, level: level, time: time, ttc: estimate.fused))
          event.level = level
        }
        if ttc < event.minimumTTC {
          event.minimumTTC = ttc
          event.peak = time
          event.peakBox = box
          event.closingSpeed = estimate.closingSpeed
          update.newPeaks.append((trackID, box))
        }
        event.classIndex = classIndex
        state.event = event
      } else {
        state.event = OpenEvent(
          start: time, peak: time, minimumTTC: ttc, level: level, classIndex: classIndex,
          closingSpeed: estimate.closingSpeed, peakBox: box)
        update.alerts.append(NearMissAlert(trackID: trackID, level: level, time: time, ttc: estimate.fused))
        update.newPeaks.append((trackID, box))
      }
    } else if var event = state.event, event.fellAt == nil {
      event.fellAt = time
      state.event = event
    }
  }

  private func className(_ index: Int) -> String {
    classNames.indices.contains(index) ? classNames[index] : "class\(index)"
  }

  private func finish(_ event: OpenEvent, trackID: Int, end: Double) -> NearMissEvent {
    let name = className(event.classIndex)
    return NearMissEvent(
      id: "\(trackID)-\(Int((event.start * 1000).rounded()))", trackID: trackID, classIndex: event.classIndex,
      className: name, start: event.start, peak: event.peak, end: end, minimumTTC: event.minimumTTC,
      level: event.level, closingSpeed: event.closingSpeed, peakBox: event.peakBox, modelHash: modelHash)
  }
}
