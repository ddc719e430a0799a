/// Detected near-miss events scored against ground-truth intervals.
///
/// Matching: an event matches an interval of the same clip when the event's [start, end]
/// overlaps the interval widened by `slackSeconds` on both sides (track ids are not compared:
/// the tracker's ids and the generator's object ids are unrelated). Each interval takes the
/// earliest-starting unmatched event that overlaps it, so one event cannot count twice.
/// - recall: matched intervals / intervals;
/// - precision: matched events / events (a duplicate event for an already matched near miss
///   lowers precision but is not a false alarm);
/// - false alarms: events overlapping no interval at all, per hour of `safeSeconds` of driving;
/// - lead time: interval peak − matched event start, averaged (negative: warned after the peak).
public struct EventMetrics: Sendable, Hashable {
  public var intervals: Int
  public var events: Int
  public var matchedIntervals: Int
  public var matchedEvents: Int
  public var falseAlarms: Int
  public var recall: Double?
  public var precision: Double?
  public var falseAlarmsPerHour: Double?
  public var meanLeadSeconds: Double?
  /// Mean of |event minimum TTC − interval minimum TTC| over matches.
  public var meanMinimumTTCError: Double?

  /// Scores `events` (each with its clip) against `intervals`.
  public init(
    events: [(clip: String, event: NearMissEvent)], intervals: [NearMissInterval], safeSeconds: Double,
    slackSeconds: Double = 1.0
  ) {
    let ordered = events.enumerated().sorted {
      $0.element.event.start != $1.element.event.start
        ? $0.element.event.start < $1.element.event.start : $0.offset < $1.offset
    }.map(\.offset)
    var used = [Bool](repeating: false, count: events.count)
    var leads: [Double] = []
    var ttcErrors: [Double] = []
    func overlaps(_ event: NearMissEvent, _ clip: String, _ interval: NearMissInterval) -> Bool {
      clip == interval.clip && event.start <= interval.end + slackSeconds
        && event.end >= interval.start - slackSeconds
    }
    for interval in intervals {
      guard
        let match = ordered.first(where: {
          !used[$0] && overlaps(events[$0].event, events[$0].clip, interval)
        })
      else { continue }
      used[match] = true
      leads.append(interval.peak - events[match].event.start)
      if events[match].event.minimumTTC.isFinite {
        ttcErrors.append(abs(events[match].event.minimumTTC - interval.minimumTTC))
      }
    }
    self.intervals = intervals.count
    self.events = events.count
    matchedIntervals = leads.count
    matchedEvents = used.filter { $0 }.count
    falseAlarms = events.filter { pair in !intervals.contains { overlaps(pair.event, pair.clip, $0) } }.count
    recall = intervals.isEmpty ? nil : Double(matchedIntervals) / Double(intervals.count)
    precision = events.isEmpty ? nil : Double(matchedEvents) / Double(events.count)
    falseAlarmsPerHour = safeSeconds > 0 ? Double(falseAlarms) / (safeSeconds / 3600) : nil
    meanLeadSeconds = leads.isEmpty ? nil : leads.reduce(0, +) / Double(leads.count)
    meanMinimumTTCError = ttcErrors.isEmpty ? nil : ttcErrors.reduce(0, +) / Double(ttcErrors.count)
  }
}
