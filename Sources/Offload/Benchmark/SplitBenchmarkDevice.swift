/// A device `hiyari bench-split` emulates: the profile the planner plans with (a board's
/// measured or estimated profile) and the CPUs the device side gets on this machine to run as
/// slowly as that board (`CPUQuota.cpus(toEmulate:measured:)`; nil runs unconstrained).
public struct SplitBenchmarkDevice: Sendable, Hashable {
  public var name: String
  public var profile: DeviceProfile
  public var cpus: Double?

  public init(name: String, profile: DeviceProfile, cpus: Double? = nil) {
    self.name = name
    self.profile = profile
    self.cpus = cpus
  }
}
