import Perception
import Synth
import Testing

@testable import hiyari_train

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct EventEvaluationTests {
  @Test func thePlanCoversEveryKindWithDistinctSeedsAndEnoughSafeDriving() {
    let plan = EventEvaluation.plan(seed: 7, clipsPerKind: 3, safeMinutes: 5)
    let kinds = ScenarioKind.allCases.filter { $0 != .longDrive }
    #expect(plan.count == 3 * kinds.count + 3)
    for kind in kinds { #expect(plan.filter { $0.kind == kind }.count == 3) }
    #expect(plan.filter { $0.kind == .longDrive }.reduce(0) { $0 + $1.seconds } >= 5 * 60)
    #expect(Set(plan.map(\.seed)).count == plan.count)
    #expect(Set(plan.map(\.name)).count == plan.count)
    // More clips per kind extend the smaller plan's scenarios rather than replacing them.
    let larger = EventEvaluation.plan(seed: 7, clipsPerKind: 4, safeMinutes: 5)
    #expect(Array(larger.prefix(3 * kinds.count)) == Array(plan.prefix(3 * kinds.count)))
    #expect(EventEvaluation.plan(seed: 8, clipsPerKind: 3, safeMinutes: 5).map(\.seed) != plan.map(\.seed))
  }

  @Test func conditionsComeFromTheMix() {
    for clip in EventEvaluation.plan(seed: 3, clipsPerKind: 2, safeMinutes: 0) {
      let script = EventEvaluation.script(clip, conditions: DataSplits.heldOut)
      #expect(DataSplits.heldOut.contains(weather: script.conditions.weather, light: script.conditions.light))
      #expect(script.kind == clip.kind && script.seconds == clip.seconds)
    }
  }

  @Test func safeSecondsSubtractOverlappingIntervalsOnce() {
    func interval(_ start: Double, _ end: Double) -> NearMissInterval {
      NearMissInterval(clip: "a", track: 1, start: start, peak: start, end: end, minimumTTC: 1)
    }
    let outcomes = [
      EventEvaluation.ClipOutcome(
        name: "a", kind: .cutIn, seconds: 10, intervals: [interval(2, 5), interval(4, 6), interval(8, 9)],
        events: [[]]),
      EventEvaluation.ClipOutcome(name: "b", kind: .longDrive, seconds: 120, intervals: [], events: [[]]),
    ]
    #expect(EventEvaluation.safeSeconds(outcomes) == 10 - 4 - 1 + 120)
  }

  /// The whole path on one rendered clip with the shipped int8 detector: the clip's near miss is
  /// in the ground truth, the pipeline's events are scored against it, and the scratch clip is
  /// removed.
  @Test func aRenderedLeadBrakingClipIsScoredAgainstItsGroundTruth() throws {
    let model = #filePath.split(separator: "/").dropLast(3).map(String.init).joined(separator: "/")
    let bundle = "/" + model + "/Models/hiyari-detector"
    var template = Array("/tmp/hiyari-events-test-XXXXXX".utf8CString)
    let scratch = String(
      cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
    defer { rmdir(scratch) }
    let clip = EventEvaluation.PlannedClip(name: "lead", kind: .leadBraking, seed: 1, seconds: 8)
    let clear = try ConditionMix([.init(.clear, .day)])
    let outcomes = try EventEvaluation.evaluate(
      models: [bundle], plan: [clip], conditions: clear, width: 320, height: 192, threads: 1,
      scratch: scratch, keep: false)
    let outcome = try #require(outcomes.first)
    #expect(outcome.intervals.count == 1, "lead braking is built around one near miss")
    #expect(abs(outcome.seconds - 8) < 0.05)
    #expect(access(scratch + "/lead.mp4", F_OK) != 0, "the scratch clip is removed")
    // The lead vehicle is nearest after the minimum TTC: the ego, braking, closes ever slower.
    let interval = try #require(outcome.intervals.first)
    let closest = try #require(outcome.closestApproaches.first)
    #expect(closest >= interval.peak && closest <= interval.end + EventEvaluation.approachHorizon)
    let metrics = EventEvaluation.metrics(outcomes, model: 0)
    #expect(metrics.intervals == 1 && metrics.events == outcome.events[0].count)
    print("lead-braking seed 1 at 320x192: events \(outcome.events[0].map { ($0.start, $0.end, $0.level) })")
    let report = EventEvaluation.markdown(models: ["int8"], outcomes: outcomes, conditions: clear)
    #expect(report.contains("| recall | \(EventEvaluation.optional(metrics.recall, 2))"))
  }

  /// With `reuse`, a kept clip of the same seed, kind and size is read, not rendered again; one
  /// of another size is rendered again.
  @Test func reuseReadsAKeptClipInsteadOfRenderingIt() throws {
    var template = Array("/tmp/hiyari-events-reuse-XXXXXX".utf8CString)
    let scratch = String(
      cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
    defer {
      unlink(scratch + "/cut.mp4")
      unlink(scratch + "/cut.json")
      rmdir(scratch)
    }
    let clip = EventEvaluation.PlannedClip(name: "cut", kind: .cutIn, seed: 3, seconds: 3)
    let clear = try ConditionMix([.init(.clear, .day)])
    func evaluate(width: Int, reuse: Bool) throws -> EventEvaluation.ClipOutcome {
      try #require(
        try EventEvaluation.evaluate(
          models: [EventEvaluation.groundTruthModel], plan: [clip], conditions: clear, width: width,
          height: 96,
          threads: 1, scratch: scratch, keep: true, reuse: reuse
        ).first)
    }
    func modified() -> Int {
      var status = stat()
      return stat(scratch + "/cut.mp4", &status) == 0
        ? Int(status.st_mtim.tv_nsec) + Int(status.st_mtim.tv_sec) * 1_000_000_000 : -1
    }
    let rendered = try evaluate(width: 160, reuse: false)
    let first = modified()
    #expect(first > 0)
    let reused = try evaluate(width: 160, reuse: true)
    #expect(modified() == first, "the kept clip was read, not written again")
    #expect(reused.intervals == rendered.intervals && reused.seconds == rendered.seconds)
    #expect(reused.events[0].map(\.start) == rendered.events[0].map(\.start))
    _ = try evaluate(width: 192, reuse: true)
    #expect(modified() != first, "a kept clip of another size is rendered again")
  }
}
