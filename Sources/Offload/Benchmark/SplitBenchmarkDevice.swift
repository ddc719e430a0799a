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

  /// `board` emulated on this machine: planned with its profile estimated from `host` (this
  /// machine's measured profile of the model) and run in a CPU quota that slows this machine to
  /// that estimate (`CPUQuota.cpus(toEmulate:measured:)`).
  public static func emulating(
    _ board: TargetBoard, measured host: DeviceProfile, hostCompute: ComputeDescription
  ) throws(OffloadError) -> SplitBenchmarkDevice {
    let estimate = try BoardEstimate.derive(from: host, host: hostCompute, board: board)
    return SplitBenchmarkDevice(
      name: board.name, profile: estimate, cpus: try CPUQuota.cpus(toEmulate: estimate, measured: host))
  }
}
