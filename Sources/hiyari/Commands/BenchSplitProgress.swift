import Offload

/// Prints one line per measured cut on standard error while the benchmark runs (a run takes
/// minutes).
struct BenchSplitProgress: SplitMeasurer {
  let measurer: NetworkSplitMeasurer

  mutating func measure(_ plan: Plan, device: SplitBenchmarkDevice, link: LinkProfile, frames: Int) throws
    -> [Double]
  {
    let latencies = try measurer.measure(plan, device: device, link: link, frames: frames)
    let median = latencies.sorted()[latencies.count / 2]
    var standardError = StandardError()
    print(
      "\(device.name) \(link.name) \(plan.label): \(latencies.count) frames, median \(formatDecimal(median, places: 1)) ms (predicted \(formatDecimal(plan.totalMilliseconds, places: 1)))",
      to: &standardError)
    return latencies
  }
}
