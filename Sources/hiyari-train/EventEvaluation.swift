import Engine
import FoundationEssentials
import Perception
import Synth

#if canImport(Glibc)
  import Glibc
#endif

#if canImport(Glibc)
  import Glibc
#endif

/// Near-miss events of detector bundles on synthetic scenarios the detector never trained on:
/// each scenario is rendered to an H.264 MP4, run through `hiyari run`'s own `RunPipeline` with
/// the clip's camera calibration (as an installer would set it), and the events are scored
/// against the clip's ground-truth near-miss intervals by Perception's `EventMetrics`.
enum EventEvaluation {
  /// One scenario to render: the kinds with a near miss and safe following, `clipsPerKind` of
  /// each, then long safe drives for the false-alarm rate.
  struct PlannedClip: Equatable {
    var name: String
    var kind: ScenarioKind
    var seed: UInt64
    var seconds: Double
  }

  /// What one clip gave: its ground truth and, per model, its events.
  struct ClipOutcome {
    var name: String
    var kind: ScenarioKind
    var seconds: Double
    var intervals: [NearMissInterval]
    /// Per interval, the time its road user is nearest the camera (`closestApproach`).
    var closestApproaches: [Double] = []
    var events: [[NearMissEvent]]
  }

  /// Seconds after a near miss's end in which its road user may still come nearer: the TTC
  /// rises over the threshold before the gap stops shrinking (a braking ego closes ever slower).
  static let approachHorizon = 3.0

  /// When the road user of `interval` is nearest the camera (the distance of its label position,
  /// the middle of its face nearest the ego), from the interval's start to `approachHorizon`
  /// after its end; the interval's peak (minimum TTC) if it is never labelled then.
  static func closestApproach(_ interval: NearMissInterval, labels: ClipLabels) -> Double {
    var best: (time: Double, distance: Double)?
    for frame in labels.frames
    where frame.time >= interval.start && frame.time <= interval.end + approachHorizon {
      guard let object = frame.objects.first(where: { $0.track == interval.track }),
        object.positionM.count == 3
      else { continue }
      let distance = (object.positionM[0] * object.positionM[0] + object.positionM[2] * object.positionM[2])
        .squareRoot()
      if best.map({ distance < $0.distance }) ?? true { best = (frame.time, distance) }
    }
    return best?.time ?? interval.peak
  }

  /// The model name that stands for a perfect detector: every labelled object at least 30%
  /// visible, as a detection with its true box and class, through the same tracker and scorer.
  /// It bounds what tracking and scoring can do with any detector.
  static let groundTruthModel = "ground-truth"

  static let clipSeconds = 10.0
  static let longDriveSeconds = 120.0

  /// The scenarios for `seed`: every kind but long drives `clipsPerKind` times (10 s each), and
  /// enough 120 s long drives to reach `safeMinutes`. Seeds are hashed from `seed`, the kind and
  /// the index, so a plan with more clips extends a smaller one.
  static func plan(seed: UInt64, clipsPerKind: Int, safeMinutes: Double) -> [PlannedClip] {
    var clips: [PlannedClip] = []
    let kinds = ScenarioKind.allCases.filter { $0 != .longDrive }
    for index in 0..<clipsPerKind {
      for (number, kind) in kinds.enumerated() {
        clips.append(
          PlannedClip(
            name: "\(kind.rawValue)-\(index)", kind: kind,
            seed: SynthRandom.hash(seed, UInt64(number), UInt64(index)), seconds: clipSeconds))
      }
    }
    let drives = Int((max(0, safeMinutes) * 60 / longDriveSeconds).rounded(.up))
    for index in 0..<drives {
      clips.append(
        PlannedClip(
          name: "long-drive-\(index)", kind: .longDrive,
          seed: SynthRandom.hash(seed, 0x10D6, UInt64(index)), seconds: longDriveSeconds))
    }
    return clips
  }

  /// The clip's script with weather and light drawn from `conditions`.
  static func script(_ clip: PlannedClip, conditions: ConditionMix) -> ScenarioScript {
    var script = ScenarioScript.random(kind: clip.kind, seed: clip.seed, seconds: clip.seconds)
    var random = SynthRandom(seed: clip.seed, stream: 0xC0D1)
    script.conditions = conditions.draw(&random)
    return script
  }

  /// The ground truth of a clip's labels as Perception's intervals.
  static func intervals(_ labels: ClipLabels, clip: String) -> [NearMissInterval] {
    labels.nearMisses.map {
      NearMissInterval(
        clip: clip, track: $0.track, start: $0.start, peak: $0.peak, end: $0.end, minimumTTC: $0.minTTCS)
    }
  }

  /// The calibration an installer would enter for the clip's camera.
  static func calibration(_ camera: CameraLabel) throws -> CameraCalibration {
    try CameraCalibration(
      width: camera.width, height: camera.height, focalLengthPixels: camera.focalPixels,
      mountHeightMeters: camera.mountHeightM, horizonRow: camera.horizonRow, fps: camera.fps)
  }

  /// Driving time with no near miss under way: the clips' length minus their intervals (merged
  /// where they overlap), for the false-alarm rate.
  static func safeSeconds(_ outcomes: [ClipOutcome]) -> Double {
    outcomes.reduce(0) { total, outcome in
      var covered = 0.0
      var reach = -Double.infinity
      for interval in outcome.intervals.sorted(by: { $0.start < $1.start }) {
        let start = max(interval.start, reach)
        if interval.end > start { covered += interval.end - start }
        reach = max(reach, interval.end)
      }
      return total + max(0, outcome.seconds - covered)
    }
  }

  /// Renders each planned clip (size `width` x `height`) into `scratch`, runs every model on
  /// it and removes it unless `keep`. With `reuse`, a clip already in `scratch` (its video and
  /// labels, of the same seed, scenario and size) is read instead of rendered again: a scoring
  /// rule tried on the same clips costs seconds, not the minutes of rendering. `progress`
  /// hears (clips done, clips, the last clip).
  static func evaluate(
    models: [String], plan: [PlannedClip], conditions: ConditionMix, width: Int, height: Int,
    threads: Int, scratch: String, keep: Bool, reuse: Bool = false,
    progress: (Int, Int, String) -> Void = { _, _, _ in }
  ) throws -> [ClipOutcome] {
    var outcomes: [ClipOutcome] = []
    for (done, clip) in plan.enumerated() {
      let script = script(clip, conditions: conditions)
      let camera = script.camera.resized(width: width, height: height)
      let base = scratch + "/" + clip.name
      let scenario = Scenario(script: script)
      let labels: ClipLabels
      if reuse, let kept = keptLabels(base, scenario: scenario, width: width, height: height) {
        labels = kept
      } else {
        labels = try ClipWriter(camera: camera).write(scenario, to: base)
      }
      var events: [[NearMissEvent]] = []
      for model in models {
        if model == groundTruthModel {
          events.append(try groundTruthEvents(labels))
          continue
        }
        var configuration = RunConfiguration(source: base + ".mp4", modelPath: model)
        configuration.threads = threads
        configuration.calibration = try calibration(labels.camera)
        let pipeline = try RunPipeline(configuration: configuration)
        var found: [NearMissEvent] = []
        var observer = RunPipeline.Observer()
        observer.event = { found.append($0) }
        let summary = pipeline.run(observer: observer)
        if let failure = summary.failure {
          throw TrainCommandError("\(clip.name) with \(model): \(failure)")
        }
        events.append(found)
      }
      if !keep {
        unlink(base + ".mp4")
        unlink(base + ".json")
      }
      let truth = intervals(labels, clip: clip.name)
      outcomes.append(
        ClipOutcome(
          name: clip.name, kind: clip.kind, seconds: Double(labels.frames.count) / labels.camera.fps,
          intervals: truth, closestApproaches: truth.map { closestApproach($0, labels: labels) },
          events: events))
      progress(done + 1, plan.count, clip.name)
    }
    return outcomes
  }

  /// The labels of a clip rendered earlier at `base` (.json and .mp4), if they are of this
  /// scenario's seed and kind at this size; nil otherwise (then the clip is rendered again).
  static func keptLabels(_ base: String, scenario: Scenario, width: Int, height: Int) -> ClipLabels? {
    guard access(base + ".mp4", R_OK) == 0, let file = try? MappedFile(path: base + ".json"),
      let labels = try? ClipLabels.decode(Data(file.bytes))
    else { return nil }
    let same =
      labels.seed == scenario.seed && labels.scenario == scenario.kind.rawValue
      && labels.camera.width == width && labels.camera.height == height
    return same ? labels : nil
  }

  /// The events that tracking and scoring raise on the clip's labelled boxes.
  static func groundTruthEvents(_ labels: ClipLabels) throws -> [NearMissEvent] {
    var tracker = ByteTracker()
    var scorer = try NearMissScorer(calibration: calibration(labels.camera))
    var events: [NearMissEvent] = []
    for frame in labels.frames {
      let detections = frame.objects.filter { $0.visible >= DetectorEvaluation.minimumVisible }.map {
        Detection(
          box: BoundingBox(minX: $0.box[0], minY: $0.box[1], maxX: $0.box[2], maxY: $0.box[3]), score: 0.9,
          classIndex: $0.objectClass.index)
      }
      events += scorer.update(tracker.update(detections), at: frame.time).finishedEvents
    }
    return events + scorer.finishAll()
  }

  /// The metrics of model `model` (its index) over `outcomes`; with `toClosestApproach` the lead
  /// runs to each near miss's closest approach in distance instead of its minimum TTC.
  static func metrics(_ outcomes: [ClipOutcome], model: Int, toClosestApproach: Bool = false) -> EventMetrics
  {
    let intervals = outcomes.flatMap { outcome in
      outcome.intervals.enumerated().map { index, interval in
        var interval = interval
        if toClosestApproach, outcome.closestApproaches.indices.contains(index) {
          interval.peak = outcome.closestApproaches[index]
        }
        return interval
      }
    }
    return EventMetrics(
      events: outcomes.flatMap { outcome in outcome.events[model].map { (outcome.name, $0) } },
      intervals: intervals, safeSeconds: safeSeconds(outcomes))
  }

  /// The report: overall metrics per model, then recall and events per scenario kind.
  static func markdown(models: [String], outcomes: [ClipOutcome], conditions: ConditionMix) -> String {
    let all = models.indices.map { metrics(outcomes, model: $0) }
    let closest = models.indices.map { metrics(outcomes, model: $0, toClosestApproach: true) }
    let seconds = outcomes.reduce(0) { $0 + $1.seconds }
    var text = "Near-miss events on \(outcomes.count) synthetic clips (\(fixed(seconds / 60, 1)) min, "
    text +=
      "\(fixed(safeSeconds(outcomes) / 60, 1)) min of it without a near miss), conditions \(conditions.description).\n"
    text += "An event matches a ground-truth near miss of its clip when it overlaps it widened by 1 s; "
    text += "lead = the near miss's minimum TTC (its peak), or its road user's closest approach in distance, "
    text += "− the event's start.\n\n"
    text +=
      "| | " + models.joined(separator: " | ") + " |\n|---|" + models.map { _ in "---:|" }.joined() + "\n"
    func row(_ name: String, _ value: (EventMetrics) -> String) {
      text += "| \(name) | " + all.map(value).joined(separator: " | ") + " |\n"
    }
    row("near misses (ground truth)") { "\($0.intervals)" }
    row("events") { "\($0.events)" }
    row("recall") { "\(optional($0.recall, 2)) (\($0.matchedIntervals)/\($0.intervals))" }
    row("precision") { "\(optional($0.precision, 2)) (\($0.matchedEvents)/\($0.events))" }
    row("false alarms") { "\($0.falseAlarms)" }
    row("false alarms per hour") { optional($0.falseAlarmsPerHour, 1) }
    row("mean lead before the minimum TTC (s)") { optional($0.meanLeadSeconds, 2) }
    text +=
      "| mean lead before the closest approach (s) | "
      + closest.map { optional($0.meanLeadSeconds, 2) }.joined(separator: " | ") + " |\n"
    row("mean abs. error of minimum TTC (s)") { optional($0.meanMinimumTTCError, 2) }
    text += "\nPer scenario kind (matched near misses / near misses, false alarms):\n\n"
    text += "| kind | clips | " + models.joined(separator: " | ") + " |\n|---|---:|"
    text += models.map { _ in "---:|" }.joined() + "\n"
    for kind in ScenarioKind.allCases {
      let ofKind = outcomes.filter { $0.kind == kind }
      guard !ofKind.isEmpty else { continue }
      let cells = models.indices.map { index in
        let result = metrics(ofKind, model: index)
        return "\(result.matchedIntervals)/\(result.intervals), \(result.falseAlarms) FA"
      }
      text += "| \(kind.rawValue) | \(ofKind.count) | " + cells.joined(separator: " | ") + " |\n"
    }
    return text
  }

  static func optional(_ value: Double?, _ digits: Int) -> String { value.map { fixed($0, digits) } ?? "-" }

  static func fixed(_ value: Double, _ digits: Int) -> String { DecimalText.fixed(value, places: digits) }
}
