#if canImport(Glibc)
  import Glibc
#endif

/// One positive quantity tracked from noisy observations: an EWMA behind a median/MAD outlier
/// gate, with change detection. Built for link times, whose noise is multiplicative and whose
/// outliers are spikes (a retransmission, a handover), so the gate works on logarithms: a 10x
/// spike and a 10x drop are equally far from the median.
///
/// - Warm-up: until `window` values have been accepted (after a start or a change), the value is
///   the median of the window, so an early spike cannot drag a mean; until `gateMinimum` values
///   are in the window, every value is accepted.
/// - Gate: a value is accepted when its log is within `gateMADs` scaled MADs (1.4826 MAD, the
///   normal-consistent scale) of the window's median log, or within `relativeFloor` of the median
///   when the window is so tight that its MAD is smaller.
/// - Smoothing: after the warm-up, accepted values update an EWMA with weight `smoothing`. It is
///   small (0.03) because one offload sample's implied rate can be 20% off (jitter of 10 ms each
///   way on a 40 ms transfer): large steps are followed by change detection, not by the EWMA, and
///   a drift below the gate takes about 1/smoothing samples.
/// - Change: `changeRun` rejected values in a row, all on the same side, mean the quantity itself
///   moved (a link step): the window restarts from them and the value jumps to their median.
///   Isolated spikes never make such a run.
/// - Age: window values older than `maximumAge` seconds are dropped, so after a long idle the
///   estimate restarts from fresh observations.
public struct RobustAverage: Sendable {
  public struct Configuration: Sendable, Hashable {
    public var smoothing: Double
    public var window: Int
    public var gateMinimum: Int
    public var gateMADs: Double
    public var relativeFloor: Double
    public var changeRun: Int
    public var maximumAge: Double

    public init(
      smoothing: Double = 0.03, window: Int = 16, gateMinimum: Int = 3, gateMADs: Double = 4,
      relativeFloor: Double = 0.5, changeRun: Int = 3, maximumAge: Double = 30
    ) {
      precondition(smoothing > 0 && smoothing <= 1, "smoothing in (0, 1]")
      precondition(window >= gateMinimum && gateMinimum >= 3 && changeRun >= 2, "a window of at least 3")
      precondition(relativeFloor > 0 && gateMADs > 0 && maximumAge > 0, "positive gate and age")
      self.smoothing = smoothing
      self.window = window
      self.gateMinimum = gateMinimum
      self.gateMADs = gateMADs
      self.relativeFloor = relativeFloor
      self.changeRun = changeRun
      self.maximumAge = maximumAge
    }
  }

  /// What one observation did.
  public enum Outcome: Sendable, Hashable {
    case accepted
    case rejected
    /// It completed a run of rejections on one side: the estimate restarted from that run.
    case changed
  }

  public let configuration: Configuration
  /// The current estimate (nil before any observation).
  public private(set) var value: Double?
  /// Observations accepted since the last change (or restart).
  public private(set) var acceptedCount = 0
  /// Observations rejected as outliers, in all.
  public private(set) var rejectedCount = 0
  /// When the last change was detected.
  public private(set) var lastChangeAt: Double?
  /// When the last observation was accepted.
  public private(set) var lastAcceptedAt: Double?
  /// Logs of the accepted values and when they came, oldest first.
  private var recent: [(log: Double, time: Double)] = []
  /// The current run of rejected values, all on one side of the median.
  private var pending: [Double] = []
  private var pendingAbove = false

  public init(configuration: Configuration = Configuration()) {
    self.configuration = configuration
  }

  /// Takes one observation `x` (> 0) made at `time` (seconds, monotonic).
  @discardableResult
  public mutating func add(_ x: Double, at time: Double) -> Outcome {
    precondition(x > 0 && x.isFinite, "observations are positive numbers")
    let log = x.logarithm
    recent.removeAll { time - $0.time > configuration.maximumAge }
    if recent.isEmpty { restart() }
    if recent.count < configuration.gateMinimum {
      accept(log, x, at: time)
      return .accepted
    }
    let logs = recent.map(\.log)
    let median = Self.median(logs)
    let mad = Self.median(logs.map { abs($0 - median) })
    let gate = max(configuration.gateMADs * 1.4826 * mad, (1 + configuration.relativeFloor).logarithm)
    if abs(log - median) <= gate {
      accept(log, x, at: time)
      return .accepted
    }
    rejectedCount += 1
    let above = log > median
    if pending.isEmpty || above != pendingAbove { pending = [] }
    pending.append(x)
    pendingAbove = above
    guard pending.count >= configuration.changeRun else { return .rejected }
    recent = pending.map { ($0.logarithm, time) }
    value = Self.median(pending)
    acceptedCount = pending.count
    pending = []
    lastChangeAt = time
    lastAcceptedAt = time
    return .changed
  }

  /// Goes back to the warm-up (the value is the window's median until `window` more values are
  /// accepted), keeping the window as the gate: for when the observations so far were derived
  /// from a figure now known to be off, so the EWMA's memory of them should go. The window, not
  /// dropped, still keeps spikes out and lets a run of different values register as a change.
  public mutating func restartWarmUp() {
    acceptedCount = 0
  }

  private mutating func restart() {
    value = nil
    acceptedCount = 0
    pending = []
  }

  private mutating func accept(_ log: Double, _ x: Double, at time: Double) {
    recent.append((log, time))
    if recent.count > configuration.window { recent.removeFirst(recent.count - configuration.window) }
    pending = []
    acceptedCount += 1
    lastAcceptedAt = time
    if acceptedCount < configuration.window || value == nil {
      value = Self.median(recent.map(\.log)).exponential
    } else {
      value = value! + configuration.smoothing * (x - value!)
    }
  }

  /// The median (the mean of the middle two for an even count); `values` is not empty.
  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}

extension Double {
  fileprivate var logarithm: Double { log(self) }
  fileprivate var exponential: Double { exp(self) }
}
