/// A device `hiyari bench-split` emulates: the profile the planner plans with (a board's
/// measured or estimated profile) and the CPUs the device side gets on this machine to run as
/// slowly as that board (`CPUQuota.cpus(toEmulate:measured:)`; nil runs unconstrained).
///
/// A board faster than this machine cannot be had by slowing this machine down; it is emulated
/// in dilated time instead: everything (the device's quota, the server's CPUs, the link's rates
/// and delays) runs `timeScale` times slower than on the real system, so the ratios between
/// device, server and link are the real ones, and measured latencies are divided by
/// `timeScale`. (The technique of DieCast, Gupta et al., NSDI 2008.)
public struct SplitBenchmarkDevice: Sendable, Hashable {
  public var name: String
  public var profile: DeviceProfile
  public var cpus: Double?
  /// How many times slower than real time the device, the server and the link run (1: none).
  public var timeScale: Double
  /// Device seconds to compress each graph input for upload (cloud-only), at the board's speed.
  public var inputEncodeSeconds: [String: Double]

  public init(
    name: String, profile: DeviceProfile, cpus: Double? = nil, timeScale: Double = 1,
    inputEncodeSeconds: [String: Double] = [:]
  ) {
    self.name = name
    self.profile = profile
    self.cpus = cpus
    self.timeScale = timeScale
    self.inputEncodeSeconds = inputEncodeSeconds
  }

  /// The largest share of its threads' CPUs a dilated board's device side gets: below 1, so the
  /// quota still paces it (an unthrottled process would run at whatever the machine gives).
  public static let dilatedShare = 0.8

  /// `board` emulated on this machine: planned with its profile estimated from `host` (this
  /// machine's measured profile of the model) and run in a CPU quota that slows this machine to
  /// that estimate (`CPUQuota.cpus(toEmulate:measured:)`). A board faster than this machine is
  /// emulated in dilated time when `dilate` is true (its quota then `dilatedShare` of the host
  /// threads' CPUs), and refused otherwise.
  public static func emulating(
    _ board: TargetBoard, measured host: DeviceProfile, hostCompute: ComputeDescription, dilate: Bool = false
  ) throws(OffloadError) -> SplitBenchmarkDevice {
    let estimate = try BoardEstimate.derive(from: host, host: hostCompute, board: board)
    do throws(OffloadError) {
      return SplitBenchmarkDevice(
        name: board.name, profile: estimate, cpus: try CPUQuota.cpus(toEmulate: estimate, measured: host))
    } catch {
      guard dilate, estimate.totalMilliseconds > 0, host.totalMilliseconds.isFinite else { throw error }
      let cpus = Double(host.threads) * dilatedShare
      // In dilated time the board takes timeScale x its time, which `cpus` CPUs of this machine give.
      let timeScale = Double(host.threads) * host.totalMilliseconds / estimate.totalMilliseconds / cpus
      return SplitBenchmarkDevice(name: board.name, profile: estimate, cpus: cpus, timeScale: timeScale)
    }
  }
}
