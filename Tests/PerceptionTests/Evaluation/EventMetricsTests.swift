import Testing

@testable import Perception

/// Event metrics on hand-built intervals and events.
@Suite struct EventMetricsTests {
  static func event(_ start: Double, _ end: Double, minimumTTC: Double = 1.5) -> NearMissEvent {
    NearMissEvent(
      id: "\(start)", trackID: 1, classIndex: 1, className: "vehicle-small", start: start, peak: start,
      end: end, minimumTTC: minimumTTC, level: .warning, closingSpeed: nil,
      peakBox: BoundingBox(minX: 0, minY: 0, maxX: 1, maxY: 1), modelHash: "")
  }

  static func interval(_ clip: String, _ start: Double, _ peak: Double, _ end: Double, ttc: Double = 1.0)
    -> NearMissInterval
  {
    NearMissInterval(clip: clip, track: 7, start: start, peak: peak, end: end, minimumTTC: ttc)
  }

  @Test func handBuiltCase() throws {
    let intervals = [
      Self.interval("brake", 10, 13, 14),  // warned at 10.5 → lead 2.5 s
      Self.interval("cutin", 5, 6, 7),  // warned at 4.5 (before the interval, within slack) → lead 1.5 s
      Self.interval("ped", 2, 3, 4),  // missed
    ]
    let events: [(clip: String, event: NearMissEvent)] = [
      ("brake", Self.event(10.5, 13.5, minimumTTC: 1.2)),
      ("brake", Self.event(13.6, 14.5)),  // a duplicate of the braking near miss
      ("cutin", Self.event(4.5, 6.5, minimumTTC: 0.8)),
      ("safe", Self.event(100, 101)),  // a false alarm
      ("ped", Self.event(20, 21)),  // right clip, wrong time: a false alarm
    ]
    let metrics = EventMetrics(events: events, intervals: intervals, safeSeconds: 1800)
    #expect(metrics.matchedIntervals == 2 && metrics.matchedEvents == 2 && metrics.falseAlarms == 2)
    #expect(abs(try #require(metrics.recall) - 2.0 / 3) < 1e-12)
    #expect(abs(try #require(metrics.precision) - 2.0 / 5) < 1e-12)
    #expect(abs(try #require(metrics.falseAlarmsPerHour) - 4) < 1e-12)
    #expect(abs(try #require(metrics.meanLeadSeconds) - 2.0) < 1e-12)
    #expect(abs(try #require(metrics.meanMinimumTTCError) - 0.2) < 1e-12)
  }

  @Test func oneEventCannotMatchTwoIntervals() {
    let intervals = [Self.interval("a", 1, 2, 3), Self.interval("a", 3.5, 4, 5)]
    let metrics = EventMetrics(events: [("a", Self.event(2, 4))], intervals: intervals, safeSeconds: 0)
    #expect(metrics.matchedIntervals == 1 && metrics.recall == 0.5 && metrics.precision == 1)
    #expect(metrics.falseAlarmsPerHour == nil)
  }

  @Test func slackDecidesEarlyWarnings() {
    let intervals = [Self.interval("a", 10, 12, 13)]
    let early = [(clip: "a", event: Self.event(7, 8.5))]
    #expect(EventMetrics(events: early, intervals: intervals, safeSeconds: 60, slackSeconds: 1).recall == 0)
    #expect(EventMetrics(events: early, intervals: intervals, safeSeconds: 60, slackSeconds: 2).recall == 1)
  }

  @Test func emptyInputsGiveNoRates() {
    let metrics = EventMetrics(events: [], intervals: [], safeSeconds: 3600)
    #expect(metrics.recall == nil && metrics.precision == nil && metrics.meanLeadSeconds == nil)
    #expect(metrics.falseAlarmsPerHour == 0)
  }
}
