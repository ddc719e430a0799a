/// A recorded throughput, as steps: from `steps[i].seconds` (since the relay started, or since its last `restartTraces()`) the rate is
/// `steps[i].bitsPerSecond` until the next step; before the first step the profile's rate holds,
/// after the last the last rate holds. A rate of 0 is an outage: bytes wait.
public struct ThroughputTrace: Sendable, Hashable {
  public struct Step: Sendable, Hashable {
    public var seconds: Double
    public var bitsPerSecond: Double

    public init(seconds: Double, bitsPerSecond: Double) {
      self.seconds = seconds
      self.bitsPerSecond = bitsPerSecond
    }
  }

  /// Sorted by time.
  public private(set) var steps: [Step]

  public init(steps: [Step]) {
    self.steps = steps.sorted { $0.seconds < $1.seconds }
  }

  /// Parses CSV text: one `seconds,bits_per_second` line per step; blank lines, lines starting
  /// with `#` and a header line whose first field is not a number are skipped.
  public init(csv: String) throws {
    var steps: [Step] = []
    for (index, raw) in csv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let line = raw.trimmingWhitespace()
      if line.isEmpty || line.hasPrefix("#") { continue }
      let fields = line.split(separator: ",").map { $0.trimmingWhitespace() }
      guard fields.count >= 2 else {
        throw LinkEmulationError.badTrace(line: index + 1, reason: "expected seconds,bits_per_second")
      }
      guard let seconds = Double(fields[0]) else {
        if index == 0 || steps.isEmpty && Double(fields[1]) == nil { continue }  // a header
        throw LinkEmulationError.badTrace(line: index + 1, reason: "seconds \"\(fields[0])\" is not a number")
      }
      guard let rate = Double(fields[1]), rate >= 0, rate.isFinite, seconds >= 0 else {
        throw LinkEmulationError.badTrace(
          line: index + 1, reason: "needs a time >= 0 and a finite rate >= 0, got \"\(line)\"")
      }
      steps.append(Step(seconds: seconds, bitsPerSecond: rate))
    }
    self.init(steps: steps)
  }

  /// The rate at `seconds` since the start, or nil before the first step.
  public func bitsPerSecond(at seconds: Double) -> Double? {
    var rate: Double?
    for step in steps {
      if step.seconds > seconds { break }
      rate = step.bitsPerSecond
    }
    return rate
  }

  /// The time of the first step after `seconds`, if any: the relay wakes then to apply it.
  public func nextChange(after seconds: Double) -> Double? {
    steps.first { $0.seconds > seconds }?.seconds
  }
}

extension Substring {
  func trimmingWhitespace() -> String {
    String(
      drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }
        .reversed())
  }
}
