/// The CPU quota one emulated board ran in, as `NetworkSplitMeasurer` left it: which group, how
/// many CPUs, and how often the kernel throttled the device side (evidence that the quota bit).
public struct BoardQuotaRecord: Sendable, Hashable {
  public var device: String
  public var path: String
  public var cpus: Double
  public var periodMicroseconds: Int
  public var statistics: CPUQuotaStatistics

  public init(
    device: String, path: String, cpus: Double, periodMicroseconds: Int, statistics: CPUQuotaStatistics
  ) {
    self.device = device
    self.path = path
    self.cpus = cpus
    self.periodMicroseconds = periodMicroseconds
    self.statistics = statistics
  }
}
