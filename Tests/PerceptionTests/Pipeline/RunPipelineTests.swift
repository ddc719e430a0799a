import Capture
import Engine
import Foundation
import Testing

@testable import Perception

/// `hiyari run`'s loop end to end on a real H.264 file through libav and the engine: a box
/// approaching a calibrated camera becomes one near-miss event with the TTC the clip implies,
/// a clip copied around it, an annotated video, and a summary that counts what happened.
@Suite struct RunPipelineTests {
  /// Everything one run on the approaching-box clip produced.
  final class Rig {
    let folder: ScratchFolder
    let clip: String
    let model: String
    let calibration: String

    init() throws {
      folder = try ScratchFolder()
      clip = folder.file("approach.mp4")
      try ApproachingBoxClip.write(to: clip)
      model = try BrightBoxDetector.writeBundle(in: folder.path)
      calibration = folder.file("camera.json")
      try ApproachingBoxClip.calibrationJSON.write(toFile: calibration, atomically: true, encoding: .utf8)
    }

    func configuration() throws -> RunConfiguration {
      var configuration = RunConfiguration(source: clip, modelPath: model)
      configuration.calibration = try CameraCalibration.load(path: calibration)
      configuration.eventsPath = folder.file("events.jsonl")
      configuration.clips = RunConfiguration.ClipOptions(
        directory: folder.file("clips"), preRollSeconds: 1, postRollSeconds: 0.5, freeSpaceFloorBytes: 0)
      configuration.annotatePath = folder.file("annotated.mp4")
      return configuration
    }
  }

  /// Every decoded frame of `path`, as (timestamp, luma at each requested point).
  static func frames(_ path: String, sampling points: [(x: Int, y: Int)] = []) throws -> [(Int64, [UInt8])] {
    let source = try MediaSource(path)
    defer { source.close() }
    var frames: [(Int64, [UInt8])] = []
    while let frame = try source.nextFrame(), frames.count < 10_000 {
      let luma = frame.plane(0)
      let values = points.map { luma.row($0.y).load(fromByteOffset: $0.x, as: UInt8.self) }
      frames.append((frame.timestampNanoseconds, values))
    }
    return frames
  }

  @Test func approachingBoxMakesOneEventWithItsTTCAClipAndAnAnnotatedVideo() throws {
    let rig = try Rig()
    let configuration = try rig.configuration()
    let pipeline = try RunPipeline(configuration: configuration)
    var alerts: [NearMissAlert] = []
    var reported: [NearMissEvent] = []
    var progressFrames: [Int] = []
    var observer = RunPipeline.Observer()
    observer.alert = { alert, className in
      alerts.append(alert)
      #expect(className == BrightBoxDetector.className)
    }
    observer.event = { reported.append($0) }
    observer.frame = { progressFrames.append($0.frames) }
    let summary = pipeline.run(observer: observer)

    // Every frame of the file, in order, through every stage.
    let total = ApproachingBoxClip.frameCount
    #expect(try Self.frames(rig.clip).count == total)
    #expect(summary.failure == nil)
    #expect(summary.frames == total)
    #expect(progressFrames == Array(1...total))
    for stage in [
      PipelineStage.capture, .preprocess, .inference, .decode, .tracking, .recording, .annotation,
    ] {
      #expect(summary.stages.first { $0.stage == stage }?.count == total, "\(stage)")
    }
    #expect(summary.dropped == 0 && summary.droppedPackets == 0 && !summary.interrupted)

    // One event, logged, for the one track, with the TTC of the last frame the box was seen.
    let log = try EventLog.read(path: configuration.eventsPath!)
    #expect(log.damagedLines.isEmpty)
    #expect(log.events.count == 1)
    #expect(summary.events == 1 && reported.count == 1)
    #expect(summary.alerts == alerts.count && !alerts.isEmpty)
    let event = try #require(log.events.first)
    #expect(event == reported.first)
    #expect(event.trackID == alerts[0].trackID)
    #expect(Set(alerts.map(\.trackID)) == [event.trackID])
    #expect(event.className == BrightBoxDetector.className)
    #expect(event.level == .critical)
    let expected = ApproachingBoxClip.lastTTC
    #expect(
      abs(event.minimumTTC - expected) < 0.15 * expected, "min TTC \(event.minimumTTC), clip \(expected)")
    let lastSeen = Double(ApproachingBoxClip.approachFrames - 1) / Double(ApproachingBoxClip.framesPerSecond)
    #expect(abs(event.peak - lastSeen) < 0.1)
    // The peak box is the drawn box at the peak frame (to within the model's 2-pixel sampling).
    let peakFrame = Int((event.peak * Double(ApproachingBoxClip.framesPerSecond)).rounded())
    let drawn = try #require(ApproachingBoxClip.box(frame: peakFrame))
    #expect(abs(event.peakBox.minX - Double(drawn.x0)) < 3 && abs(event.peakBox.maxX - Double(drawn.x1)) < 3)
    #expect(abs(event.peakBox.minY - Double(drawn.y0)) < 3 && abs(event.peakBox.maxY - Double(drawn.y1)) < 3)
    let snapshot = try #require(event.snapshotPath)
    #expect(FileManager.default.fileExists(atPath: snapshot))

    // One clip, copied from the source, spanning the event, that decodes.
    #expect(summary.clips.count == 1)
    let clip = try #require(summary.clips.first)
    #expect(event.clipPath == clip.path)
    #expect(clip.start <= event.start && clip.end >= event.end)
    let clipFrames = try Self.frames(clip.path)
    let span = (clip.end - clip.start) * Double(ApproachingBoxClip.framesPerSecond)
    #expect(abs(Double(clipFrames.count) - span) <= 1, "\(clipFrames.count) frames for \(span)")

    // The annotated video: as many frames as the source, and the box's outline drawn over it.
    #expect(summary.annotatedFrames == total)
    let middle = ApproachingBoxClip.approachFrames - 6
    let box = try #require(ApproachingBoxClip.box(frame: middle))
    let onOutline = (x: box.x0 + 1, y: (box.y0 + box.y1) / 2)
    let background = (x: 20, y: 340)
    let annotated = try Self.frames(configuration.annotatePath!, sampling: [onOutline, background])
    let source = try Self.frames(rig.clip, sampling: [onOutline, background])
    #expect(annotated.count == total)
    #expect(annotated.map(\.0) == source.map(\.0))
    let drawnLuma = Int(annotated[middle].1[0])
    let sourceLuma = Int(source[middle].1[0])
    #expect(sourceLuma > 200 && sourceLuma - drawnLuma > 60, "outline \(drawnLuma) over \(sourceLuma)")
    #expect(abs(Int(annotated[middle].1[1]) - Int(source[middle].1[1])) < 8)
  }

  @Test func aSourceThatIsNotH264HasItsClipEncoded() throws {
    let rig = try Rig()
    // The same clip as MPEG-4 Part 2, which clips cannot copy into H.264 MP4s as it is.
    let mpeg4 = rig.folder.file("approach-mpeg4.mkv")
    try runTool("ffmpeg", ["-loglevel", "error", "-y", "-i", rig.clip, "-c:v", "mpeg4", "-q:v", "2", mpeg4])
    var configuration = try rig.configuration()
    configuration.source = mpeg4
    configuration.annotatePath = nil
    let summary = try RunPipeline(configuration: configuration).run()
    #expect(summary.failure == nil && summary.frames == ApproachingBoxClip.frameCount)
    #expect(summary.events == 1 && summary.clips.count == 1)
    let clip = try #require(summary.clips.first)
    let source = try MediaSource(clip.path)
    defer { source.close() }
    #expect(source.info.codec == "h264")
    let frames = try Self.frames(clip.path)
    #expect(abs(Double(frames.count) - (clip.end - clip.start) * 30) <= 1)
    let event = try #require(EventLog.read(path: configuration.eventsPath!).events.first)
    #expect(clip.start <= event.start && event.clipPath == clip.path)
  }

  @Test func maximumFramesStopsEarlyAndStillFinishesTheOutputs() throws {
    let rig = try Rig()
    var configuration = try rig.configuration()
    configuration.maximumFrames = 40
    let summary = try RunPipeline(configuration: configuration).run()
    #expect(summary.frames == 40 && summary.failure == nil)
    #expect(try Self.frames(configuration.annotatePath!).count == 40)
    // The event still open at the stop is logged, and its clip closed with what it had.
    let log = try EventLog.read(path: configuration.eventsPath!)
    #expect(log.events.count == 1 && summary.events == 1)
    #expect(summary.clips.count == 1)
    #expect(try !Self.frames(summary.clips[0].path).isEmpty)
  }

  @Test func stopRequestEndsTheRunCleanly() throws {
    let rig = try Rig()
    let configuration = try rig.configuration()
    var checks = 0
    let summary = try RunPipeline(configuration: configuration).run(shouldStop: {
      checks += 1
      return checks > 25
    })
    #expect(summary.interrupted && summary.frames == 25 && summary.failure == nil)
    #expect(try Self.frames(configuration.annotatePath!).count == 25)
  }

  @Test func modelWithoutDetectorMetadataNamesTheMissingKeys() throws {
    let folder = try ScratchFolder()
    let model = try BrightBoxDetector.writeBundle(in: folder.path, metadata: ["detector.input": "320x192"])
    do {
      _ = try DetectorModel(path: model)
      Issue.record("a model without detector metadata was accepted")
    } catch {
      #expect(error.reason.contains("missing detector.format, detector.classes"), "\(error.reason)")
    }
    let fcos = try BrightBoxDetector.writeBundle(
      in: folder.path, name: "fcos", metadata: ["detector.format": "hiyari-fcos", "detector.classes": "car"])
    do {
      _ = try DetectorModel(path: fcos)
      Issue.record("a hiyari-fcos model without strides was accepted")
    } catch {
      #expect(error.reason.contains("missing detector.strides"), "\(error.reason)")
    }
  }

  @Test func missingModelUnreadableSourceAndBadCalibrationAreNamed() throws {
    let rig = try Rig()
    do {
      _ = try RunPipeline(
        configuration: RunConfiguration(source: rig.clip, modelPath: rig.folder.file("none")))
      Issue.record("a missing model was accepted")
    } catch {
      #expect(error.reason.contains("none") && error.reason.contains("cannot open"), "\(error.reason)")
    }
    let text = rig.folder.file("notes.txt")
    try "not a video".write(toFile: text, atomically: true, encoding: .utf8)
    do {
      _ = try RunPipeline(configuration: RunConfiguration(source: text, modelPath: rig.model))
      Issue.record("a text file was accepted as a video")
    } catch {
      #expect(error.reason.hasPrefix("source \(text)"), "\(error.reason)")
    }
    let bad = rig.folder.file("bad.json")
    try #"{"width": 640, "height": 360, "focal_px": 400}"#.write(
      toFile: bad, atomically: true, encoding: .utf8)
    do {
      _ = try CameraCalibration.load(path: bad)
      Issue.record("a calibration without a mount height was accepted")
    } catch {
      #expect(error.reason == "calibration \(bad): missing mount_height_m")
    }
    try #"{"width": 640, "height": 360, "focal_px": 400, "mount_height_m": 900}"#.write(
      toFile: bad, atomically: true, encoding: .utf8)
    #expect(throws: PerceptionError.self) { try CameraCalibration.load(path: bad) }
  }
}
