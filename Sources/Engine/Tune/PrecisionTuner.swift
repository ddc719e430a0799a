/// Chooses int8 or fp32 per convolution by measuring both on this machine: int8 is not always
/// faster than fp32 (a small or depthwise convolution may lose more to conversions and packing
/// than it gains), and not every layer quantizes well.
///
/// The unit is one Conv of the float graph (its fused activation included) with the Q/DQ
/// conversions its choice implies at its boundaries (see `NodeTiming`). The steps:
/// 1. calibrate once; build all-fp32 (the float graph with activations fused) and all-int8
///    (quantized, `fuseQuantizedOperators`);
/// 2. time every node of both, warm, median of `runs` runs, at `threadCount` threads, on the
///    first calibration sample; estimate conversion costs per element from the all-int8 model's
///    own QuantizeLinear/DequantizeLinear nodes;
/// 3. `PrecisionSearch` picks the fp32 set, with accuracy measured by
///    `PostTrainingQuantizer.evaluate` on the calibration samples (the worst output's SNR) on the
///    fused mixed model, built with `keepFloat` = the fp32 set and the nodes between fp32
///    convolutions only (`followers`);
/// 4. the mix, all-int8 and all-fp32 are timed whole, in turns; the fastest one within the
///    budget is kept (the per-node sum is an estimate; the whole-model run is the truth).
public struct PrecisionTuner: Sendable {
  public var options: Options

  public init(options: Options = Options()) { self.options = options }

  /// Tunes `float` (a float32 graph) on `samples` (a value per graph input each; the first is
  /// also the timing input).
  public func tune(float unvalidated: Graph, samples: [[String: Tensor]]) throws(GraphError) -> TuningResult {
    guard options.runs >= 1, options.warmup >= 0, options.threadCount >= 1 else {
      throw GraphError("tuning needs runs >= 1, warmup >= 0 and threads >= 1")
    }
    let float = try unvalidated.validated()
    guard let timingInput = samples.first else {
      throw GraphError("tuning needs at least one calibration sample")
    }
    var quantizationOptions = options.quantization
    quantizationOptions.threadCount = options.threadCount
    let quantizer = PostTrainingQuantizer(options: quantizationOptions)
    let table = try quantizer.calibrate(graph: float, samples: samples)

    let tunable = Set(float.nodes.filter { $0.op == "Conv" }.map(\.name))
    func build(_ floatNodes: Set<String>) throws(GraphError) -> Graph {
      var mixed = quantizer
      mixed.options.keepFloat.formUnion(floatNodes)
      mixed.options.keepFloat.formUnion(Self.followers(of: float, tunable: tunable, floatNodes: floatNodes))
      return try fuseQuantizedOperators(mixed.quantize(graph: float, table: table))
    }
    func snr(_ graph: Graph) throws(GraphError) -> Double {
      try quantizer.evaluate(float: float, quantized: graph, samples: samples).worstSNRDecibels
    }
    // The search asks about the same set more than once (all-int8, the final mix).
    var known: [Set<String>: Double] = [:]
    func accuracy(_ floatNodes: Set<String>) throws(GraphError) -> Double {
      if let value = known[floatNodes] { return value }
      let value = try snr(build(floatNodes))
      known[floatNodes] = value
      return value
    }
    func compile(_ graph: Graph) throws(GraphError) -> CompiledModel {
      let model = try CompiledModel(graph: graph, threadCount: options.threadCount)
      try model.setInputs(timingInput)
      return model
    }

    let fp32Graph = try fuseQuantizedOperators(float)
    let int8Graph = try build([])
    let fp32Model = try compile(fp32Graph), int8Model = try compile(int8Graph)
    let fp32Times = NodeTimes.measure(fp32Model, warmup: options.warmup, runs: options.runs)
    let int8Times = NodeTimes.measure(int8Model, warmup: options.warmup, runs: options.runs)
    let timings = Self.timings(
      fp32: (fp32Model, fp32Times), int8: (int8Model, int8Times), graphInputs: Set(float.inputs.map(\.name)),
      graphOutputs: Set(float.outputs))

    let plan = try PrecisionSearch.choose(
      timings, minimumAccuracy: options.minimumSNRDecibels, accuracy: accuracy)
    // A mix with no fp32 node is the all-int8 model: one measurement, so noise cannot tell them apart.
    let mixGraph = plan.floatNodes.isEmpty ? int8Graph : try build(plan.floatNodes)
    var models = [fp32Model, int8Model]
    if !plan.floatNodes.isEmpty { models.append(try compile(mixGraph)) }
    var latencies = NodeTimes.interleavedLatencies(models, warmup: options.warmup, runs: options.runs)
    if plan.floatNodes.isEmpty { latencies.append(latencies[1]) }
    let fp32 = PrecisionMeasurement(
      latencyMilliseconds: latencies[0] / 1e6, snrDecibels: try snr(fp32Graph), floatNodes: timings.count)
    let int8 = PrecisionMeasurement(
      latencyMilliseconds: latencies[1] / 1e6, snrDecibels: try accuracy([]), floatNodes: 0)
    let mix = PrecisionMeasurement(
      latencyMilliseconds: latencies[2] / 1e6, snrDecibels: plan.accuracy, floatNodes: plan.floatNodes.count)
    let selection = Self.select(fp32: fp32, int8: int8, mix: mix, minimumSNR: options.minimumSNRDecibels)

    let rows = timings.map { timing in
      var precision = plan.precision(of: timing.node)
      var reason = plan.reasons[timing.node]!
      let uniform: NodePrecision? =
        switch selection {
        case .tuned: nil
        case .allInt8: .int8
        case .allFP32: .fp32
        }
      if let uniform, uniform != precision {
        precision = uniform
        reason = .wholeModel
      }
      return TunedNode(
        node: timing.node, fp32Milliseconds: timing.fp32Nanoseconds / 1e6,
        int8Milliseconds: timing.int8Nanoseconds / 1e6,
        fp32ConversionMilliseconds: timing.fp32ConversionNanoseconds / 1e6,
        int8ConversionMilliseconds: timing.int8ConversionNanoseconds / 1e6,
        int8AloneSNRDecibels: plan.int8AloneAccuracy[timing.node], precision: precision, reason: reason)
    }
    let profile = TuningProfile(
      model: try ModelBundle.identifier(of: float), machine: .current(), date: UTCTimestamp.now(),
      threads: options.threadCount, runs: options.runs, calibrationSamples: samples.count,
      minimumSNRDecibels: options.minimumSNRDecibels, nodes: rows, fp32: fp32, int8: int8, mix: mix,
      selection: selection)
    var graph: Graph
    switch selection {
    case .tuned: graph = mixGraph
    case .allInt8: graph = int8Graph
    case .allFP32: graph = fp32Graph
    }
    let floatNodes = profile.floatNodes
    graph.metadata["precision_tuning"] =
      "hiyari model tune \(profile.date) on \(profile.machine.cpuModel), \(profile.threads) thread(s): \(selection.rawValue); fp32 nodes (\(floatNodes.count) of \(rows.count)): \(floatNodes.joined(separator: ", "))"
    return TuningResult(graph: graph, profile: profile)
  }

  /// A `NodeTiming` for every Conv of the all-fp32 model that runs as a QLinearConv of the same
  /// name in the all-int8 model, in graph order.
  static func timings(
    fp32: (model: CompiledModel, times: NodeTimes), int8: (model: CompiledModel, times: NodeTimes),
    graphInputs: Set<String>, graphOutputs: Set<String>
  ) -> [NodeTiming] {
    // Nanoseconds per element of the conversions, from the ones the int8 model runs (at least
    // the graph input's QuantizeLinear and the outputs' DequantizeLinear).
    func perElement(_ op: String, _ tensor: (Node) -> String) -> Double {
      var nanoseconds = 0.0
      var elements = 0
      for node in int8.model.graph.nodes where node.op == op {
        nanoseconds += int8.times.nanoseconds[node.name] ?? 0
        elements += int8.model.tensorInfos[tensor(node)]?.elementCount ?? 0
      }
      return elements > 0 ? nanoseconds / Double(elements) : 0
    }
    let quantize = perElement("QuantizeLinear") { $0.inputs[0] }
    let dequantize = perElement("DequantizeLinear") { $0.outputs[0] }
    let int8Convolutions = Set(int8.model.graph.nodes.filter { $0.op == "QLinearConv" }.map(\.name))
    return fp32.model.graph.nodes.compactMap { node in
      guard node.op == "Conv", int8Convolutions.contains(node.name), let x = node.inputs.first,
        let y = node.outputs.first, let fp32Time = fp32.times.nanoseconds[node.name],
        let int8Time = int8.times.nanoseconds[node.name]
      else { return nil }
      let inputElements = Double(fp32.model.tensorInfos[x]?.elementCount ?? 0)
      let outputElements = Double(fp32.model.tensorInfos[y]?.elementCount ?? 0)
      let readsGraphInput = graphInputs.contains(x), writesGraphOutput = graphOutputs.contains(y)
      return NodeTiming(
        node: node.name, fp32Nanoseconds: fp32Time, int8Nanoseconds: int8Time,
        fp32ConversionNanoseconds: (readsGraphInput ? 0 : dequantize * inputElements)
          + (writesGraphOutput ? 0 : quantize * outputElements),
        int8ConversionNanoseconds: (readsGraphInput ? quantize * inputElements : 0)
          + (writesGraphOutput ? dequantize * outputElements : 0))
    }
  }

  /// The other nodes that go fp32 with `floatNodes`: each group of connected non-tunable nodes
  /// (the Relu, Add, Resize, Concat between convolutions) whose neighbouring tunable nodes are
  /// all fp32. Without this, a residual Add between two fp32 convolutions would still be
  /// quantized, costing accuracy and two conversions while no int8 kernel gains from it.
  static func followers(of graph: Graph, tunable: Set<String>, floatNodes: Set<String>) -> Set<String> {
    let nodes = graph.nodes
    var producer: [String: Int] = [:]
    var readers: [String: [Int]] = [:]
    for (index, node) in nodes.enumerated() {
      for name in node.outputs where !name.isEmpty { producer[name] = index }
      for name in node.inputs where !name.isEmpty { readers[name, default: []].append(index) }
    }
    func neighbours(_ index: Int) -> [Int] {
      nodes[index].inputs.compactMap { producer[$0] } + nodes[index].outputs.flatMap { readers[$0] ?? [] }
    }
    var followers = Set<String>()
    var visited = Set<Int>()
    for start in nodes.indices where !tunable.contains(nodes[start].name) && !visited.contains(start) {
      // One group of connected non-tunable nodes and the tunable nodes around it.
      var group: [Int] = []
      var border = Set<String>()
      var pending = [start]
      visited.insert(start)
      while let index = pending.popLast() {
        group.append(index)
        for next in neighbours(index) {
          if tunable.contains(nodes[next].name) {
            border.insert(nodes[next].name)
          } else if visited.insert(next).inserted {
            pending.append(next)
          }
        }
      }
      if !border.isEmpty && border.isSubset(of: floatNodes) {
        followers.formUnion(group.map { nodes[$0].name })
      }
    }
    return followers
  }

  /// The fastest configuration within the budget; the mix on a tie (it is what the search chose).
  /// All-fp32 is exact, so something always qualifies unless the budget exceeds even its SNR,
  /// in which case fp32 (the most accurate) is kept.
  static func select(
    fp32: PrecisionMeasurement, int8: PrecisionMeasurement, mix: PrecisionMeasurement, minimumSNR: Double
  ) -> TuningSelection {
    let candidates: [(TuningSelection, PrecisionMeasurement)] = [
      (.tuned, mix), (.allInt8, int8), (.allFP32, fp32),
    ]
    let eligible = candidates.filter { $0.1.snrDecibels >= minimumSNR }
    guard var best = eligible.first else { return .allFP32 }
    for candidate in eligible.dropFirst() where candidate.1.latencyMilliseconds < best.1.latencyMilliseconds {
      best = candidate
    }
    return best.0
  }
}
