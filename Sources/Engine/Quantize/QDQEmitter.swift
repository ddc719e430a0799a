/// Writes a `QDQPlan` into the graph with onnxruntime's names, so a model quantized here reads
/// like one onnxruntime quantized:
/// - activation `t`: `t -> t_QuantizeLinear -> t_QuantizeLinear_Output -> t_DequantizeLinear ->
///   t_DequantizeLinear_Output -> readers`, parameters `t_scale`, `t_zero_point` (scalars); a graph
///   output keeps its name on the DequantizeLinear and its producer writes
///   `t_QuantizeLinear_Input`.
/// - constant weight `w`: `w_quantized` (int8, annotated) `-> w_DequantizeLinear ->
///   w_DequantizeLinear_Output`, parameters `w_scale`, `w_zero_point` (1-D when per channel).
/// - bias `b`: `b_quantized` (int32) `-> b_DequantizeLinear -> b`, parameters
///   `b_quantized_scale`, `b_quantized_zero_point`.
enum QDQEmitter {
  static func emit(_ plan: QDQPlan, options: PostTrainingQuantizer.Options) throws(GraphError) -> Graph {
    var emitter = Emitter(
      plan: plan,
      weightCodes: options.sevenBitWeights
        ? QuantizationChoice.sevenBitCodes : QuantizationChoice.symmetricInt8Codes)
    try emitter.run()
    return emitter.graph
  }
}

private struct Emitter {
  let plan: QDQPlan
  var graph: Graph
  /// The scale and zero-point constants each quantized tensor was given.
  var parameters: [String: (scale: String, zeroPoint: String)] = [:]
  var added: [Node] = []

  /// The int8 codes weights are quantized to.
  let weightCodes: ClosedRange<Int>

  init(plan: QDQPlan, weightCodes: ClosedRange<Int> = QuantizationChoice.symmetricInt8Codes) {
    self.plan = plan
    self.graph = plan.graph
    self.weightCodes = weightCodes
  }

  mutating func run() throws(GraphError) {
    var weightQuantization: [String: Quantization] = [:]
    for name in plan.order {
      if case .weight(let axis) = plan.marks[name], let tensor = graph.constants[name] {
        weightQuantization[name] = QuantizationChoice.weightQuantization(
          tensor, axis: axis, codes: weightCodes)
      }
    }
    // onnxruntime's `_adjust_weight_quant_params_for_bias_tensors`, before weights are quantized.
    for name in plan.biasOrder {
      let use = plan.biases[name]!
      guard let weight = weightQuantization[use.weight], let inputScale = activationScale(use.input),
        let bias = graph.constants[name]
      else { continue }
      var adjusted = weight
      adjusted.scales = QuantizationChoice.weightScalesFittingBias(
        biasValues(name, bias), inputScale: inputScale, weightScales: weight.scales)
      weightQuantization[use.weight] = adjusted
    }
    for name in plan.order {
      switch plan.marks[name]! {
      case .weight:
        try emitConstant(name, quantization: weightQuantization[name]!, type: .int8)
      case .activation:
        if graph.constants[name] != nil {
          try emitConstant(name, quantization: nil, type: .uint8)
        } else {
          try emitActivation(name)
        }
      case .shared:
        break
      }
    }
    try emitShared()
    for name in plan.biasOrder { try emitBias(name, plan.biases[name]!) }
    graph.nodes += added
    let read = Set(graph.nodes.flatMap(\.inputs))
    graph.constants = graph.constants.filter { read.contains($0.key) }
  }

  /// The scale a quantized activation will have (following shared tensors to their source).
  func activationScale(_ name: String) -> Float? {
    var current = name
    var steps = 0
    while case .shared(let source) = plan.marks[current], steps < plan.order.count {
      current = source
      steps += 1
    }
    guard plan.marks[current] == .activation, let range = plan.ranges[current] else { return nil }
    return QuantizationChoice.activation(range).scales[0]
  }

  func biasValues(_ name: String, _ tensor: Tensor) -> [Float] {
    let beta = plan.biases[name].flatMap { plan.foldedBeta[$0.node] } ?? 1
    return tensor.withElements(as: Float.self) { $0.map { $0 * beta } }
  }

  mutating func emitConstant(_ name: String, quantization chosen: Quantization?, type: ElementType)
    throws(GraphError)
  {
    let tensor = graph.constants[name]!
    let (quantized, quantization): (Tensor, Quantization)
    if let chosen {
      let values = tensor.withElements(as: Float.self) { Array($0) }
      quantized = try QuantizationChoice.quantize(values, shape: tensor.shape, chosen, type: type)
      quantization = chosen
    } else {
      (quantized, quantization) = try QuantizationChoice.constantActivation(tensor)
    }
    let names = try addParameters(name, quantization, type: type)
    graph.constants[name + "_quantized"] = quantized
    let output = name + "_DequantizeLinear_Output"
    replaceInputs(name, with: output)
    added.append(
      Node(
        name: name + "_DequantizeLinear", op: "DequantizeLinear",
        inputs: [name + "_quantized", names.scale, names.zeroPoint], outputs: [output],
        attributes: quantization.axis.map { ["axis": .int($0)] } ?? [:]))
    parameters[name] = names
  }

  mutating func emitActivation(_ name: String) throws(GraphError) {
    guard let range = plan.ranges[name] else {
      throw GraphError("tensor \(name) has no calibrated range: calibrate this graph before quantizing it")
    }
    let names = try addParameters(name, QuantizationChoice.activation(range), type: .uint8)
    addPair(name, names)
  }

  /// Shared tensors once their source has parameters (a chain resolves over several passes).
  mutating func emitShared() throws(GraphError) {
    var pending = plan.order.filter {
      if case .shared = plan.marks[$0] { true } else { false }
    }
    while !pending.isEmpty {
      let before = pending.count
      pending = pending.filter { name in
        guard case .shared(let source) = plan.marks[name], let names = parameters[source] else { return true }
        addPair(name, names)
        return false
      }
      guard pending.count < before else {
        throw GraphError("tensors \(pending) share the scale of a tensor that is not quantized")
      }
    }
  }

  /// `name -> Q -> DQ -> readers`, as onnxruntime's `_add_qdq_pair_for_activation`.
  mutating func addPair(_ name: String, _ names: (scale: String, zeroPoint: String)) {
    var quantizeInput = name
    var dequantizeOutput = name + "_DequantizeLinear_Output"
    if graph.outputs.contains(name) {
      quantizeInput = name + "_QuantizeLinear_Input"
      dequantizeOutput = name
      for index in graph.nodes.indices {
        graph.nodes[index].outputs = graph.nodes[index].outputs.map { $0 == name ? quantizeInput : $0 }
      }
    } else {
      replaceInputs(name, with: dequantizeOutput)
    }
    let quantized = name + "_QuantizeLinear_Output"
    added.append(
      Node(
        name: name + "_QuantizeLinear", op: "QuantizeLinear",
        inputs: [quantizeInput, names.scale, names.zeroPoint], outputs: [quantized]))
    added.append(
      Node(
        name: name + "_DequantizeLinear", op: "DequantizeLinear",
        inputs: [quantized, names.scale, names.zeroPoint], outputs: [dequantizeOutput]))
    parameters[name] = names
  }

  /// The int32 bias, when both the input and the weight of its node are quantized.
  mutating func emitBias(_ name: String, _ use: QDQPlan.BiasUse) throws(GraphError) {
    guard let bias = graph.constants[name], let inputScale = activationScale(use.input),
      let weightScaleName = parameters[use.weight]?.scale,
      let weightScales = ConstantLookup(graph.constants).floats(weightScaleName),
      weightScales.count == 1 || weightScales.count == bias.elementCount
    else { return }
    let (codes, scales) = QuantizationChoice.bias(
      biasValues(name, bias), inputScale: inputScale, weightScales: weightScales)
    let quantized = try QuantizationChoice.makeTensor(shape: bias.shape, type: .int32, quantization: nil)
    quantized.withMutableElements(as: Int32.self) { for index in $0.indices { $0[index] = codes[index] } }
    let scale = try QuantizationChoice.makeTensor(shape: [scales.count], type: .float32, quantization: nil)
    scale.withMutableElements(as: Float.self) { for index in $0.indices { $0[index] = scales[index] } }
    // onnxruntime writes a scalar zero point next to a [1] scale for a per-tensor bias; Hiyari's
    // DequantizeLinear wants the two shapes equal, so the zero point is [1] too.
    let zeroPoint = try QuantizationChoice.makeTensor(shape: [scales.count], type: .int32, quantization: nil)
    let base = name + "_quantized"
    graph.constants[base] = quantized
    graph.constants[base + "_scale"] = scale
    graph.constants[base + "_zero_point"] = zeroPoint
    graph.constants[name] = nil
    added.append(
      Node(
        name: name + "_DequantizeLinear", op: "DequantizeLinear",
        inputs: [base, base + "_scale", base + "_zero_point"], outputs: [name],
        attributes: scales.count > 1 ? ["axis": .int(0)] : [:]))
    if plan.foldedBeta[use.node] != nil, let index = graph.nodes.firstIndex(where: { $0.name == use.node }) {
      graph.nodes[index].attributes["beta"] = .float(1)
    }
  }

  /// `name_scale` (float) and `name_zero_point` (`type`): scalars per tensor, 1-D per channel.
  mutating func addParameters(_ name: String, _ quantization: Quantization, type: ElementType)
    throws(GraphError) -> (scale: String, zeroPoint: String)
  {
    let shape = quantization.axis == nil ? [] : [quantization.scales.count]
    let scale = try QuantizationChoice.makeTensor(shape: shape, type: .float32, quantization: nil)
    scale.withMutableElements(as: Float.self) {
      for index in $0.indices { $0[index] = quantization.scales[index] }
    }
    // Zero points are plain integers to the engine (scale 1, zero point 0), as the importer has them.
    let zeroPoint = try QuantizationChoice.makeTensor(
      shape: shape, type: type, quantization: Quantization(scale: 1, zeroPoint: 0))
    if type == .int8 {
      zeroPoint.withMutableElements(as: Int8.self) {
        for index in $0.indices { $0[index] = Int8(quantization.zeroPoints[index]) }
      }
    } else {
      zeroPoint.withMutableElements(as: UInt8.self) {
        for index in $0.indices { $0[index] = UInt8(quantization.zeroPoints[index]) }
      }
    }
    let names = (scale: name + "_scale", zeroPoint: name + "_zero_point")
    graph.constants[names.scale] = scale
    graph.constants[names.zeroPoint] = zeroPoint
    return names
  }

  mutating func replaceInputs(_ name: String, with replacement: String) {
    for index in graph.nodes.indices {
      graph.nodes[index].inputs = graph.nodes[index].inputs.map { $0 == name ? replacement : $0 }
    }
  }
}
