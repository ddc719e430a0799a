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
}
