/// The median time of every node of a compiled model over warm runs, on its thread count: what
/// `CompiledModel.run(addingNodeTimesTo:)` measures, one run at a time, so the median throws out
/// runs an interrupt or another process slowed down.
public struct NodeTimes: Sendable, Hashable {
  /// Median nanoseconds per node, by node name.
  public var nanoseconds: [String: Double]
  /// The median of the runs' total time.
  public var totalNanoseconds: Double

  /// Runs `model` (inputs already set) `warmup` times untimed, then `runs` times timed.
  public static func measure(_ model: CompiledModel, warmup: Int, runs: Int) -> NodeTimes {
    precondition(runs >= 1, "at least one timed run")
    for _ in 0..<warmup { model.run() }
    let count = model.graph.nodes.count
    var perNode = [[Double]](repeating: [], count: count)
    var totals: [Double] = []
    var times = [UInt64](repeating: 0, count: count)
    for _ in 0..<runs {
      for index in times.indices { times[index] = 0 }
      model.run(addingNodeTimesTo: &times)
      for index in times.indices { perNode[index].append(Double(times[index])) }
      totals.append(Double(times.reduce(0, +)))
    }
    var medians: [String: Double] = [:]
    for (index, node) in model.graph.nodes.enumerated() { medians[node.name] = median(perNode[index]) }
    return NodeTimes(nanoseconds: medians, totalNanoseconds: median(totals))
  }

  /// The median latency of each model, measured in turns (one run of each per round) so that
  /// frequency changes and background load fall on every model alike.
  public static func interleavedLatencies(_ models: [CompiledModel], warmup: Int, runs: Int) -> [Double] {
    precondition(runs >= 1, "at least one timed run")
    for _ in 0..<warmup { for model in models { model.run() } }
    var samples = [[Double]](repeating: [], count: models.count)
    for _ in 0..<runs {
      for (index, model) in models.enumerated() {
        let start = MonotonicClock.nanoseconds()
        model.run()
        samples[index].append(Double(MonotonicClock.nanoseconds() - start))
      }
    }
    return samples.map(median)
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
  }
}
