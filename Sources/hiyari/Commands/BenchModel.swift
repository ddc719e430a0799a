import ArgumentParser
import CKernels
import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari bench model`: latency of a whole model, a per-operator profile, and the int8
/// convolutions' achieved rate against this machine's int8 peak measured in the same run. With
/// `--serve` it takes "run N" lines on stdin and answers each with N latencies, so that
/// scripts/bench-engine can interleave it with ONNX Runtime run for run.
struct BenchModel: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "model",
    abstract: "Model latency, per-operator profile and int8 GMAC/s against the machine's int8 peak.")

  @Argument(help: "An ONNX file or a model bundle folder.")
  var model: String

  @Option(help: "Threads (the device default is 1).")
  var threads = 1

  @Option(help: "Timed runs.")
  var runs = 200

  @Option(help: "Untimed runs first.")
  var warmup = 20

  @Flag(help: "Also list every node's time and GMAC/s.")
  var nodes = false

  @Flag(help: "Answer \"run N\" lines on stdin with N latencies in microseconds (for interleaving).")
  var serve = false

  func run() throws {
    guard threads >= 1, threads <= 256, runs >= 1, runs <= 1_000_000, warmup >= 0 else {
      throw ValidationError("--threads must be 1...256, --runs 1...1000000, --warmup >= 0")
    }
    let loadStart = MonotonicClock.nanoseconds()
    let graph = try loadModel(path: model).graph
    let readEnd = MonotonicClock.nanoseconds()
    let compiled = try CompiledModel(graph: graph, threadCount: threads)
    let loadEnd = MonotonicClock.nanoseconds()
    let loadMilliseconds = Double(loadEnd - loadStart) / 1e6
    let readMilliseconds = Double(readEnd - loadStart) / 1e6
    BenchmarkInputs.fillInputs(compiled, seed: 1)
    for _ in 0..<warmup { compiled.run() }
    if serve {
      try serveRuns(compiled)
      return
    }
    // Every run's time per node, for medians: this kind of host moves a node's time by tens of
    // percent between runs, and a mean follows the outliers.
    let nodeCount = graph.nodes.count
    guard runs * max(nodeCount, 1) <= 50_000_000 else {
      throw ValidationError("--runs times the model's \(nodeCount) nodes must stay within 50,000,000")
    }
    var runNodeTimes = [UInt64](repeating: 0, count: runs * nodeCount)
    var latencies: [Double] = []
    var nodeTimes = [UInt64](repeating: 0, count: nodeCount)
    // At one thread, a burst of the int8 peak kernel after every run: the peak the runs met.
    let hasInt8Convolutions = graph.nodes.contains { $0.op == "QLinearConv" }
    let sampler = hasInt8Convolutions && threads == 1 ? Int8Peak.Sampler() : nil
    var peakSamples: [Double] = []
    for run in 0..<runs {
      for index in nodeTimes.indices { nodeTimes[index] = 0 }
      let start = MonotonicClock.nanoseconds()
      compiled.run(addingNodeTimesTo: &nodeTimes)
      latencies.append(Double(MonotonicClock.nanoseconds() - start) / 1e6)
      for index in nodeTimes.indices { runNodeTimes[run * nodeCount + index] = nodeTimes[index] }
      if let sampler { peakSamples.append(sampler.sample()) }
    }
    latencies.sort()
    let median = latencies[latencies.count / 2]
    let p90 = latencies[min(latencies.count - 1, latencies.count * 9 / 10)]
    print(
      "model=\(model) threads=\(threads) runs=\(runs) load_ms=\(formatDecimal(loadMilliseconds, places: 2)) read_ms=\(formatDecimal(readMilliseconds, places: 2)) median_ms=\(formatDecimal(median, places: 2)) p90_ms=\(formatDecimal(p90, places: 2)) arena_bytes=\(compiled.memoryPlan.arenaBytes)"
    )
    let nodeMedians = (0..<nodeCount).map { index in
      let times = (0..<runs).map { runNodeTimes[$0 * nodeCount + index] }.sorted()
      return Double(times[times.count / 2])
    }
    var peak: Int8Peak? = nil
    var runFractions: [Double] = []
    if let sampler, !peakSamples.isEmpty {
      peak = Int8Peak(path: sampler.path.name, gmacs: peakSamples.sorted()[peakSamples.count / 2])
      // Each run's int8 convolutions against the peak burst right after it.
      let convolutions = graph.nodes.indices.filter { graph.nodes[$0].op == "QLinearConv" }
      let macs = convolutions.reduce(0) {
        $0 + ModelStatistics.multiplyAccumulates(of: graph.nodes[$1], infos: compiled.tensorInfos)
      }
      for run in 0..<runs {
        let nanoseconds = convolutions.reduce(0.0) { $0 + Double(runNodeTimes[run * nodeCount + $1]) }
        if nanoseconds > 0 { runFractions.append(Double(macs) / nanoseconds / peakSamples[run]) }
      }
      runFractions.sort()
    } else if hasInt8Convolutions {
      peak = Int8Peak.measure(threads: threads)
    }
    report(compiled, nodeMedians: nodeMedians, peak: peak)
    if !runFractions.isEmpty {
      print(
        "interleaved_fraction_of_peak_median=\(formatDecimal(runFractions[runFractions.count / 2] * 100, places: 2))% (each run's int8 convolutions against a peak burst right after it)"
      )
    }
  }

  private func serveRuns(_ compiled: CompiledModel) throws {
    print("ready nodes=\(compiled.graph.nodes.count) threads=\(threads)")
    fflush(nil)
    while let line = readLine() {
      let words = line.split(separator: " ")
      if words.first == "quit" { return }
      guard words.count == 2, words[0] == "run", let count = Int(words[1]), count > 0, count <= 100_000 else {
        print("error expected \"run N\" or \"quit\"")
        fflush(nil)
        continue
      }
      var times: [String] = []
      for _ in 0..<count {
        let start = MonotonicClock.nanoseconds()
        compiled.run()
        times.append(String((MonotonicClock.nanoseconds() - start) / 1000))
      }
      print("times " + times.joined(separator: " "))
      fflush(nil)
    }
  }

  /// Time per operator type (the sum of its nodes' median times) and the int8 convolutions'
  /// GMAC/s against the int8 peak measured in the same process (`peak`).
  private func report(_ compiled: CompiledModel, nodeMedians: [Double], peak: Int8Peak?) {
    var byOperator: [String: (nanoseconds: Double, nodes: Int, macs: Int)] = [:]
    let total = max(nodeMedians.reduce(0, +), 1)
    for (index, node) in compiled.graph.nodes.enumerated() {
      var entry = byOperator[node.op] ?? (0, 0, 0)
      entry.nanoseconds += nodeMedians[index]
      entry.nodes += 1
      entry.macs += ModelStatistics.multiplyAccumulates(of: node, infos: compiled.tensorInfos)
      byOperator[node.op] = entry
    }
    print("sum_of_node_medians_ms=\(formatDecimal(total / 1e6, places: 3))")
    print("operator               nodes   share   ms      GMAC/s")
    for (op, entry) in byOperator.sorted(by: { $0.value.nanoseconds > $1.value.nanoseconds }) {
      let milliseconds = entry.nanoseconds / 1e6
      let rate = entry.macs > 0 ? formatDecimal(Double(entry.macs) / (milliseconds * 1e6), places: 2) : "-"
      let share = entry.nanoseconds / total * 100
      print(
        "\(op.padding(22)) \(String(entry.nodes).padding(5)) \(formatDecimal(share, places: 2).padding(6))%  \(formatDecimal(milliseconds, places: 3).padding(7)) \(rate)"
      )
    }
    if nodes {
      print(
        "node                              op            shape                   median ms  GMAC/s  % of int8 peak"
      )
      for (index, node) in compiled.graph.nodes.enumerated() {
        let milliseconds = nodeMedians[index] / 1e6
        let macs = ModelStatistics.multiplyAccumulates(of: node, infos: compiled.tensorInfos)
        let shape = node.outputs.first.flatMap { compiled.tensorInfos[$0]?.shape } ?? []
        let gmacs = macs > 0 && milliseconds > 0 ? Double(macs) / (milliseconds * 1e6) : nil
        let rate = gmacs.map { formatDecimal($0, places: 2) } ?? "-"
        let fraction =
          node.op == "QLinearConv"
          ? gmacs.flatMap { g in peak.map { formatDecimal(g / $0.gmacs * 100, places: 1) } } : nil
        print(
          "\(node.name.padding(33)) \(node.op.padding(13)) \("\(shape)".padding(23)) \(formatDecimal(milliseconds, places: 3).padding(10)) \(rate.padding(7)) \(fraction ?? "-")"
        )
      }
    }
    if let int8 = byOperator["QLinearConv"], int8.macs > 0, let peak {
      let achieved = Double(int8.macs) / (int8.nanoseconds / 1e9) / 1e9
      print(
        "int8_conv_gmacs=\(formatDecimal(achieved, places: 2)) int8_peak_gmacs=\(formatDecimal(peak.gmacs, places: 2)) peak_path=\(peak.path) fraction_of_peak=\(formatDecimal(achieved / peak.gmacs * 100, places: 2))% threads=\(threads)"
      )
    }
  }
}

extension String {
  fileprivate func padding(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
