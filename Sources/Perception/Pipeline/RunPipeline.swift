import Capture
import Engine

/// The real-time loop of `hiyari run`: capture → preprocess → infer → decode → track → score →
/// events (JSON Lines, snapshots) → clips, and optionally an annotated video, timing every stage.
///
/// Live sources (cameras, streams) hand over only their newest frame, and the frames they skip
/// are counted; files are processed frame by frame. Clips copy the compressed stream of an H.264
/// or H.265 source through `MediaSource.packetHandler` (no re-encode); raw cameras' frames, and
/// other codecs, are encoded. The scorer, clip recorder and annotated video are set up on the
/// first frame, when the video's size is known.
public final class RunPipeline {
  public let configuration: RunConfiguration
  public let detector: DetectorModel
  public let source: any FrameSource
  /// What happened during the run, reported as it happens (from the thread that calls `run`).
  public struct Observer {
    /// A track's risk reached the event level (or rose within an event); with its class name.
    public var alert: (NearMissAlert, String) -> Void = { _, _ in }
    /// An event finished and was logged.
    public var event: (NearMissEvent) -> Void = { _ in }
    /// A frame was processed.
    public var frame: (Progress) -> Void = { _ in }
    /// Something went wrong that the run survives (a clip could not be written).
    public var notice: (String) -> Void = { _ in }

    public init() {}
  }

  /// Where a run is, after a frame.
  public struct Progress: Sendable {
    public var frames: Int
    /// The frame's time on the source's clock, seconds.
    public var time: Double
    /// The source's duration when it is a file that states one.
    public var duration: Double?
    public var dropped: Int64
    public var events: Int
  }

  private let packets = PacketQueue()
  private let media: MediaSource?
  /// Whether clips copy the source's compressed packets (H.264/H.265 files and streams) rather
  /// than encode its frames.
  private let copiesPackets: Bool
  private var pipeline: NearMissPipeline?
  private var recorder: EventRecorder?
  private var clipRecorder: ClipRecorder?
  private var clipStore: ClipStore?
  private var annotator: AnnotatedVideoWriter?
  private var latencies = StageLatencies()
  /// Tracks with an open event, and the clip each one's event is recorded into.
  private var openEvents: [Int: String?] = [:]
  private var clips: [RunSummary.ClipSummary] = []
  private var alertCount = 0
  private var annotatedFrames = 0
  private var eventCount = 0

  /// Loads the model and opens the source and the outputs; every failure names what was wrong.
  public init(configuration: RunConfiguration) throws(PerceptionError) {
    guard (1...256).contains(configuration.threads) else {
      throw PerceptionError("threads must be in 1...256, not \(configuration.threads)")
    }
    self.configuration = configuration
    detector = try DetectorModel(path: configuration.modelPath, threads: configuration.threads)
    if let events = configuration.eventsPath {
      let log = try EventLog(path: events)
      let folder = Self.folder(of: events)
      recorder = EventRecorder(log: log, snapshotFolder: configuration.snapshots ? folder : nil)
    }
    if let clips = configuration.clips {
      do {
        clipStore = try ClipStore(directory: clips.directory, freeSpaceFloorBytes: clips.freeSpaceFloorBytes)
      } catch {
        throw PerceptionError("clips: \(error)")
      }
    }
    do {
      if FrameSources.isCameraPath(configuration.source) {
        source = try V4L2Camera(path: configuration.source, request: configuration.camera)
        media = nil
        copiesPackets = false
      } else {
        var options = MediaSourceOptions()
        options.threads = configuration.threads
        let opened = try MediaSource(configuration.source, options: options)
        let parameters = opened.streamParameters
        copiesPackets = configuration.clips != nil && (parameters.isH264 || parameters.codecName == "hevc")
        if copiesPackets {
          // Set before a live stream's reading thread starts, so it never races with it.
          let queue = packets
          opened.packetHandler = { queue.push($0) }
        }
        media = opened
        source =
          opened.isLive
          ? LatestFrameSource(opened, interrupt: { [unowned opened] in opened.interrupt() }) : opened
      }
    } catch {
      throw PerceptionError("source \(error.description)")
    }
  }

  deinit { source.close() }

  /// Runs until the source ends, `maximumFrames` frames were processed, or `shouldStop` returns
  /// true (checked before every frame). Always finishes what it started: the open clip is
  /// closed, open events are logged, the annotated video is finalised. Returns the summary; a
  /// failure of the source or of a frame ends the run and is named in `failure`.
  public func run(observer: Observer = Observer(), shouldStop: () -> Bool = { false }) -> RunSummary {
    let start = Self.now()
    var frames = 0
    var interrupted = false
    var failure: String?
    var lastSequence: Int64?
    var lastTime = 0.0
    let duration = media.flatMap { $0.isLive ? nil : $0.info.durationSeconds }
    while configuration.maximumFrames.map({ frames < $0 }) ?? true {
      if shouldStop() {
        interrupted = true
        break
      }
      var mark = Self.now()
      let frame: Frame?
      do {
        frame = try source.nextFrame()
      } catch {
        if shouldStop() {
          interrupted = true
        } else {
          failure = error.description
        }
        break
      }
      guard let frame else { break }
      mark = lap(.capture, since: mark)
      do {
        if pipeline == nil { try setUp(for: frame, observer: observer) }
        let time =
          frame.timestampNanoseconds >= 0 ? Double(frame.timestampNanoseconds) / 1e9 : lastTime + 1 / 30
        lastTime = time
        let gap = lastSequence.map { source.isLive ? Int(clamping: max(1, frame.sequence - $0)) : 1 } ?? 1
        lastSequence = frame.sequence

        try detector.preprocess(frame)
        mark = lap(.preprocess, since: mark)
        let outputs = detector.run()
        mark = lap(.inference, since: mark)
        guard let geometry = detector.geometry, var pipeline else { break }
        let detections = try pipeline.decode(outputs, geometry: geometry)
        mark = lap(.decode, since: mark)
        let result = pipeline.track(detections, time: time, frames: gap)
        self.pipeline = pipeline
        mark = lap(.tracking, since: mark)

        try record(result.update, frame: frame, time: time, observer: observer)
        mark = lap(.recording, since: mark)
        if let annotator {
          do {
            try annotator.append(frame, assessments: result.update.assessments)
          } catch {
            observer.notice("annotated video: \(error.description); no more frames are written to it")
            annotatedFrames = annotator.frameCount
            annotator.abandon()
            self.annotator = nil
          }
          _ = lap(.annotation, since: mark)
        }
      } catch {
        failure = error.reason
        break
      }
      frames += 1
      let statistics = source.statistics
      observer.frame(
        Progress(
          frames: frames, time: lastTime, duration: duration, dropped: statistics.dropped, events: eventCount)
      )
    }
    if let closingFailure = finish(observer: observer) { failure = failure ?? closingFailure }
    let wall = Double(Self.now() - start) / 1e9
    let statistics = source.statistics
    return RunSummary(
      source: configuration.source, model: configuration.modelPath, modelHash: detector.identifier,
      frames: frames, wallSeconds: wall, framesPerSecond: wall > 0 ? Double(frames) / wall : 0,
      stages: latencies.summary, droppedStale: statistics.skippedAsStale,
      droppedByDriver: statistics.droppedByDriver, decodeErrors: statistics.decodeErrors,
      droppedPackets: packets.droppedCount, alerts: alertCount, events: eventCount, clips: clips,
      annotatedFrames: annotatedFrames, interrupted: interrupted, failure: failure)
  }

  /// Sets up what depends on the video's size: the scorer's calibration, the clip recorder of a
  /// raw source, the annotated video.
  private func setUp(for frame: Frame, observer: Observer) throws(PerceptionError) {
    let calibration: CameraCalibration
    if let given = configuration.calibration {
      calibration = try given.scaled(toWidth: frame.width, height: frame.height)
    } else {
      calibration = try CameraCalibration.assumed(width: frame.width, height: frame.height)
    }
    let scorer = try NearMissScorer(
      calibration: calibration, config: configuration.nearMiss, classNames: detector.layout.classes,
      modelHash: detector.identifier)
    pipeline = NearMissPipeline(
      decoder: DetectionDecoder(layout: detector.layout, options: configuration.decoder),
      tracker: ByteTracker(config: configuration.tracker), scorer: scorer)
    let rate = nominalFrameRate
    if let clips = configuration.clips, let clipStore {
      let clipConfiguration = ClipRecorderConfiguration(
        preRollSeconds: clips.preRollSeconds, postRollSeconds: clips.postRollSeconds)
      do {
        if let media, copiesPackets {
          clipRecorder = ClipRecorder(
            store: clipStore, parameters: media.streamParameters, configuration: clipConfiguration)
        } else {
          var settings = H264EncoderSettings(
            width: max(2, frame.width & ~1), height: max(2, frame.height & ~1), framesPerSecond: rate)
          settings.preset = "ultrafast"
          settings.zeroLatency = true
          settings.keyframeInterval = rate
          clipRecorder = try ClipRecorder(
            store: clipStore, encoderSettings: settings, configuration: clipConfiguration)
        }
      } catch {
        throw PerceptionError("clips: \(error)")
      }
    }
    if let path = configuration.annotatePath {
      do {
        annotator = try AnnotatedVideoWriter(
          path: path, width: frame.width, height: frame.height, framesPerSecond: rate,
          classNames: detector.layout.classes)
      } catch {
        throw PerceptionError("annotated video \(error.description)")
      }
    }
  }

  /// The source's frame rate, rounded, for encoders (30 when the source does not say).
  private var nominalFrameRate: Int {
    let rate = media?.info.framesPerSecond ?? (source as? V4L2Camera)?.framesPerSecond ?? 30
    return min(max(Int(rate.rounded()), 1), 240)
  }

  /// Events and clips for one frame: packets (or the raw frame) into the clip recorder, alerts
  /// open or extend a clip, finished events are logged with their snapshot and clip.
  private func record(_ update: NearMissUpdate, frame: Frame, time: Double, observer: Observer)
    throws(PerceptionError)
  {
    let nanoseconds = frame.timestampNanoseconds
    // Finished events first: a track whose event ended may raise a new one in the same frame.
    var finished = update
    finished.finishedEvents = attachClips(update.finishedEvents)
    if let clipRecorder {
      do {
        var closed: [FinishedClip] = []
        if copiesPackets {
          for packet in packets.drain() { closed += try clipRecorder.append(packet) }
        } else {
          closed += try clipRecorder.append(frame)
        }
        for alert in update.alerts where openEvents[alert.trackID] == nil {
          let start = Int64((alert.time * 1e9).rounded())
          openEvents[alert.trackID] = try clipRecorder.markEvent(from: start, to: nanoseconds)
        }
        if !openEvents.isEmpty { try clipRecorder.markEvent(at: nanoseconds) }
        noteClips(closed)
      } catch {
        observer.notice("clips: \(error)")
      }
    } else {
      for alert in update.alerts where openEvents[alert.trackID] == nil {
        openEvents[alert.trackID] = .some(nil)
      }
    }
    for alert in update.alerts {
      alertCount += 1
      let classIndex = update.assessments.first { $0.trackID == alert.trackID }?.classIndex ?? 0
      observer.alert(alert, className(classIndex))
    }
    let logged: [NearMissEvent]
    if let recorder {
      logged = try recorder.record(finished, frame: frame)
    } else {
      logged = finished.finishedEvents
    }
    report(logged, observer: observer)
  }

  /// Gives each finished event the clip it was recorded into, and forgets it as open.
  private func attachClips(_ events: [NearMissEvent]) -> [NearMissEvent] {
    events.map { event in
      var event = event
      if let clip = openEvents.removeValue(forKey: event.trackID) { event.clipPath = clip }
      return event
    }
  }

  private func report(_ events: [NearMissEvent], observer: Observer) {
    for event in events {
      eventCount += 1
      observer.event(event)
    }
  }

  private func noteClips(_ finished: [FinishedClip]) {
    for clip in finished {
      clips.append(
        RunSummary.ClipSummary(
          path: clip.path, start: Double(clip.startNanoseconds) / 1e9, end: Double(clip.endNanoseconds) / 1e9,
          isKept: clip.isKept))
    }
  }

  /// Ends the run cleanly: open events are logged, the open clip is closed with what it has,
  /// the annotated video is finalised, the source is closed. Returns the first failure.
  private func finish(observer: Observer) -> String? {
    var failure: String?
    if var pipeline {
      let events = attachClips(pipeline.finish())
      self.pipeline = pipeline
      do {
        report(try recorder?.finish(events) ?? events, observer: observer)
      } catch {
        failure = error.reason
      }
    }
    if let clipRecorder {
      do {
        if copiesPackets {
          for packet in packets.drain() { noteClips(try clipRecorder.append(packet)) }
        }
        noteClips(try clipRecorder.finish())
      } catch {
        failure = failure ?? "clips: \(error)"
      }
      self.clipRecorder = nil
    }
    if let annotator {
      annotatedFrames = annotator.frameCount
      do {
        try annotator.finish()
      } catch {
        failure = failure ?? "annotated video \(error.description)"
      }
      self.annotator = nil
    }
    source.close()
    return failure
  }

  private func className(_ index: Int) -> String {
    let classes = detector.layout.classes
    return classes.indices.contains(index) ? classes[index] : "class\(index)"
  }

  /// Records the time since `mark` for `stage`; returns now.
  private func lap(_ stage: PipelineStage, since mark: Int64) -> Int64 {
    let now = Self.now()
    latencies.record(stage, nanoseconds: now - mark)
    return now
  }

  private static func now() -> Int64 { Int64(MonotonicClock.nanoseconds()) }

  private static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let folder = String(path[..<slash])
    return folder.isEmpty ? "/" : folder
  }
}
