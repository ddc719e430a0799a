/// Post-training static int8 quantization of a float graph into QDQ form, the form
/// onnxruntime's `quantize_static(quant_format=QDQ)` writes: activations uint8 asymmetric,
/// weights int8 symmetric (per output channel by default), biases int32, each quantized tensor
/// followed by DequantizeLinear so the float operators between still run; a fusion pass turns
/// `DQ -> Conv -> Q` into int8 kernels.
///
/// The three steps: `calibrate` runs the float graph over sample inputs and records every float
/// activation's range; `quantize` rewrites the graph from those ranges; `evaluate` measures how
/// far the quantized outputs drift from the float ones.
public struct PostTrainingQuantizer: Sendable {
  public var options: Options

  public init(options: Options = Options()) { self.options = options }

  /// Runs `graph` on every sample (a value for each graph input) and records the range of every
  /// float tensor a node produces or the graph takes in. Memory stays bounded: each tensor keeps
  /// a running min/max (and, for percentile, a fixed-size histogram), never the values.
  public func calibrate(graph: Graph, samples: some Sequence<[String: Tensor]>) throws(GraphError)
    -> CalibrationTable
  {
    let validated = try graph.validated()
    let infos = try ShapeInference.infer(validated, registry: StandardOperators.registry)
    var observed = validated
    // Every float activation becomes an output, so that it survives the run and can be read in place.
    var outputs = validated.outputs
    var seen = Set(outputs)
    for node in validated.nodes {
      for name in node.outputs where !name.isEmpty && infos[name]?.elementType == .float32 {
        if seen.insert(name).inserted { outputs.append(name) }
      }
    }
    observed.outputs = outputs
    let model = try CompiledModel(graph: observed, threadCount: options.threadCount)
    let floatInputs = validated.inputs.filter { $0.elementType == .float32 }.map(\.name)
    let names =
      floatInputs + outputs.filter { infos[$0]?.elementType == .float32 && !floatInputs.contains($0) }
    var statistics = Dictionary(
      uniqueKeysWithValues: names.map { ($0, TensorStatistics(method: options.method)) })
    var count = 0
    for sample in samples {
      _ = try model.run(sample)
      for name in names {
        if let tensor = sample[name], floatInputs.contains(name) {
          tensor.withElements(as: Float.self) { statistics[name]!.add($0) }
        } else if let view = model.output(name) {
          statistics[name]!.add(UnsafeBufferPointer(start: view.floats(), count: view.elementCount))
        }
      }
      count += 1
    }
    guard count > 0 else { throw GraphError("calibration needs at least one sample") }
    return CalibrationTable(
      method: options.method, sampleCount: count, ranges: statistics.mapValues { $0.range(options.method) })
  }

  /// The QDQ form of `graph` with activation scales from `table`. Graph inputs and outputs stay
  /// float32 (a Q/DQ pair follows a float input; an output is dequantized at the end).
  public func quantize(graph: Graph, table: CalibrationTable) throws(GraphError) -> Graph {
    let validated = try graph.validated()
    let infos = try ShapeInference.infer(validated, registry: StandardOperators.registry)
    let plan = QDQPlan(graph: validated, infos: infos, ranges: table.ranges, options: options)
    var quantized = try QDQEmitter.emit(plan, options: options)
    try QuantizationAnnotation.apply(&quantized)
    quantized.metadata["quantization"] =
      "hiyari post-training QDQ: uint8 asymmetric activations (\(table.method), \(table.sampleCount) samples), int8 symmetric \(options.perChannelWeights ? "per-channel" : "per-tensor") weights, int32 biases"
    return try quantized.validated()
  }

  /// Runs both graphs on every sample and compares each graph output of `quantized` with the
  /// same output of `float`: largest absolute error, relative L2 error and SNR.
  public func evaluate(float: Graph, quantized: Graph, samples: some Sequence<[String: Tensor]>)
    throws(GraphError) -> QuantizationReport
  {
    let reference = try CompiledModel(graph: float, threadCount: options.threadCount)
    let candidate = try CompiledModel(graph: quantized, threadCount: options.threadCount)
    let names = reference.graph.outputs.filter { quantized.outputs.contains($0) }
    var errors = Dictionary(uniqueKeysWithValues: names.map { ($0, ErrorAccumulator()) })
    var count = 0
    for sample in samples {
      _ = try reference.run(sample)
      _ = try candidate.run(sample)
      for name in names {
        let expected = reference.output(name)!, actual = candidate.output(name)!
        guard expected.info.elementType == .float32, actual.info.elementType == .float32,
          expected.shape == actual.shape
        else {
          throw GraphError(
            "output \(name) is \(actual.info.elementType) \(actual.shape) quantized, \(expected.info.elementType) \(expected.shape) float"
          )
        }
        errors[name]!.add(
          expected: UnsafeBufferPointer(start: expected.floats(), count: expected.elementCount),
          actual: UnsafeBufferPointer(start: actual.floats(), count: actual.elementCount))
      }
      count += 1
    }
    guard count > 0 else { throw GraphError("evaluation needs at least one sample") }
    return QuantizationReport(
      sampleCount: count, outputs: names.map { errors[$0]!.accuracy(output: $0) })
  }
}
