import Offload

/// A `SplitMeasurer` for testing the pipeline around the real one: each frame's latency follows
/// a known cost model, the plan's parts with the device `deviceFactor` times slower than its
/// profile and the link `linkFactor` times slower than the profile's nominal figures, times a
/// reproducible noise in [1 - noise/2, 1 + noise/2). Records every call.
struct CostModelMeasurer: SplitMeasurer {
  var deviceFactor = 1.0
  var linkFactor = 1.0
  var noise = 0.1
  var random = RandomProblems(seed: 99)
  var calls: [(device: String, link: String, label: String, latencies: [Double])] = []
  /// Returns this many latencies instead of the frames asked for, when set.
  var wrongCount: Int?

  mutating func measure(_ plan: Plan, device: SplitBenchmarkDevice, link: LinkProfile, frames: Int) throws
    -> [Double]
  {
    let nominal = link.estimate
    var transfer = 0.0
    if !plan.isDeviceOnly {
      transfer =
        (nominal.roundTripSeconds + nominal.uploadSeconds(plan.uplinkBytes)
          + nominal.downloadSeconds(plan.downlinkBytes)) * 1000 * linkFactor
    }
    let base = plan.deviceMilliseconds * deviceFactor + transfer + plan.cloudMilliseconds
    let latencies = (0..<(wrongCount ?? frames)).map { _ in base * (1 + noise * (random.double(0, 1) - 0.5)) }
    calls.append((device.name, link.name, plan.label, latencies))
    return latencies
  }
}
