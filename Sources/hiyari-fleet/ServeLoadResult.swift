import Offload

/// What one `ServeLoad` step measured: replies within the deadline, misses by kind, and the
/// server's own time per reply (from the request's arrival to its reply, queueing included).
struct ServeLoadResult: Sendable {
  var devices: Int
  var seconds: Double
  var answered = 0
  /// Misses by kind (`deadlineExceeded`, `refused`, ...).
  var misses: [String: Int] = [:]
  var serverMilliseconds: [Double] = []
  var roundTripMilliseconds: [Double] = []

  var missCount: Int { misses.values.reduce(0, +) }
  var sent: Int { answered + missCount }
  var missFraction: Double { sent == 0 ? 0 : Double(missCount) / Double(sent) }
  /// Replies within the deadline per second.
  var achievedFPS: Double { Double(answered) / seconds }

  mutating func missed(_ error: any Error) {
    let kind = (error as? OffloadClientError).map { "\($0.kind)" } ?? "other"
    misses[kind, default: 0] += 1
  }

  /// Nearest-rank percentile of `values` (0 when empty).
  static func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted[min(sorted.count, max(1, Int((fraction * Double(sorted.count)).rounded(.up)))) - 1]
  }
}
