/// Runs frames at one cut and reports their end-to-end latencies: the part of `hiyari bench-split`
/// that touches the real network and the real executor (the device side in a CPU quota matching
/// `device.cpus`, the server in the cloud namespace, the link emulated between them).
/// `SplitBenchmark` calls it cut after cut for one (device, link) cell before moving to the next,
/// so an implementation can set the cell up once (quota, relay) and reuse it until the device or
/// the link changes.
public protocol SplitMeasurer {
  /// End-to-end milliseconds of each of up to `frames` frames run with `plan`'s head on the device and
  /// its tail in the cloud (`plan.isDeviceOnly`: nothing sent; `plan.isCloudOnly`: the input
  /// uploaded), as `device` on `link`. Returns between 1 and `frames` finite values: fewer only
  /// when a time cap per cut stops a slow cut early.
  mutating func measure(_ plan: Plan, device: SplitBenchmarkDevice, link: LinkProfile, frames: Int) throws
    -> [Double]
}
