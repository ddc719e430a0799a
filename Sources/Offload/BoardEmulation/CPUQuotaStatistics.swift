/// A CPU quota group's throttling counters (cgroup v1 `cpu.stat`).
public struct CPUQuotaStatistics: Sendable, Hashable {
  /// Enforcement periods that have elapsed with runnable tasks in the group.
  public var periods: Int
  /// Periods in which the group used up its quota and was stopped.
  public var throttledPeriods: Int
  /// Total time the group's tasks spent stopped.
  public var throttledNanoseconds: Int

  public init(periods: Int, throttledPeriods: Int, throttledNanoseconds: Int) {
    self.periods = periods
    self.throttledPeriods = throttledPeriods
    self.throttledNanoseconds = throttledNanoseconds
  }
}
