import Testing

@testable import Engine

/// The shape of the QDQ graph: which tensors get Q/DQ, with which parameters, and what is removed.
@Suite struct QDQRewriteTests {
  typealias M = QuantizeTestModels

  static func quantized(_ options: PostTrainingQuantizer.Options = .init()) throws -> (
    Graph, CalibrationTable
  ) {
    let quantizer = PostTrainingQuantizer(options: options)
    let graph = M.convNet()
    let table = try quantizer.calibrate(graph: graph, samples: M.samples(4))
    return (try quantizer.quantize(graph: graph, table: table), table)
  }

  @Test func graphInputGetsAQDQPairAndConvReadsDequantizedTensors() throws {
    let (graph, table) = try Self.quantized()
    #expect(graph.inputs.map(\.elementType) == [.float32])
    let quantize = try #require(M.node(graph, named: "x_QuantizeLinear"))
    #expect(quantize.inputs == ["x", "x_scale", "x_zero_point"])
    let expected = QuantizationChoice.activation(table.ranges["x"]!)
    #expect(M.scalar(graph, "x_scale") == expected.scales[0])
    #expect(M.zeroPoint(graph, "x_zero_point") == Int(expected.zeroPoints[0]))
    #expect(graph.constants["x_zero_point"]?.elementType == .uint8)
    let conv = try #require(M.node(graph, named: "c1"))
    #expect(conv.inputs == ["x_DequantizeLinear_Output", "W1_DequantizeLinear_Output", "B1"])
    // Weights: int8 codes annotated with their per-channel scales; the float weights are gone.
    let weights = try #require(graph.constants["W1_quantized"])
    #expect(weights.elementType == .int8)
    #expect(weights.quantization?.axis == 0 && weights.quantization?.scales.count == 4)
    #expect(graph.constants["W1"] == nil)
    #expect(M.node(graph, named: "W1_DequantizeLinear")?.attributes["axis"] == .int(0))
  }

  @Test func biasIsInt32WithInputTimesWeightScale() throws {
    let (graph, _) = try Self.quantized()
    let bias = try #require(graph.constants["B1_quantized"])
    #expect(bias.elementType == .int32)
    let inputScale = try #require(M.scalar(graph, "x_scale"))
    let weightScales = OperatorHarness.values(graph.constants["W1_scale"]!)
    let biasScales = OperatorHarness.values(graph.constants["B1_quantized_scale"]!)
    #expect(biasScales == weightScales.map { inputScale * $0 })
    let original = OperatorHarness.values(M.convNet().constants["B1"]!)
    #expect(
      OperatorHarness.intValues(bias)
        == original.indices.map {
          Int((Double(original[$0]) / Double(biasScales[$0])).rounded(.toNearestOrEven))
        })
    let dequantize = try #require(M.node(graph, named: "B1_DequantizeLinear"))
    #expect(dequantize.outputs == ["B1"] && dequantize.attributes["axis"] == .int(0))
  }

  @Test func reluAndClipAfterAConvAreRemovedAndTheConvTakesTheirRange() throws {
    let (graph, table) = try Self.quantized()
    #expect(!graph.nodes.contains { $0.op == "Relu" || $0.op == "Clip" })
    #expect(M.node(graph, named: "c1")?.outputs == ["a1"])
    #expect(M.node(graph, named: "c2")?.outputs == ["a2"])
    #expect(graph.constants["y1_scale"] == nil)
    // a1's range is the Relu output's: zero point 0 (nothing below zero survives).
    #expect(M.zeroPoint(graph, "a1_zero_point") == 0)
    #expect(M.scalar(graph, "a1_scale") == QuantizationChoice.activation(table.ranges["a1"]!).scales[0])
  }

  @Test func activationsAreKeptWhenTheyCannotBeRemoved() throws {
    let x = TensorInfo(name: "x", elementType: .float32, shape: [1, 1, 2, 2])
    let conv = Node(name: "c", op: "Conv", inputs: ["x", "W"], outputs: ["y"])
    let weights: [String: Tensor] = [
      "W": OperatorHarness.floats([1], [1, 1, 1, 1]), "one": OperatorHarness.floats([1], []),
      "six": OperatorHarness.floats([6], []),
    ]
    // The conv output is also read by an Add: the Relu stays.
    let shared = Graph(
      inputs: [x], outputs: ["r", "s"],
      nodes: [
        conv, Node(name: "relu", op: "Relu", inputs: ["y"], outputs: ["r"]),
        Node(name: "add", op: "Add", inputs: ["y", "x"], outputs: ["s"]),
      ], constants: weights)
    // Clip(1, 6): uint8 saturation cannot clip at 1 (the range includes 0), so it stays.
    let clipped = Graph(
      inputs: [x], outputs: ["r"],
      nodes: [conv, Node(name: "clip", op: "Clip", inputs: ["y", "one", "six"], outputs: ["r"])],
      constants: weights)
    let sample = ["x": OperatorHarness.floats([-1, 0.5, 2, 7], [1, 1, 2, 2])]
    for (graph, kept) in [(shared, "relu"), (clipped, "clip")] {
      let quantizer = PostTrainingQuantizer()
      let table = try quantizer.calibrate(graph: graph, samples: [sample])
      let result = try quantizer.quantize(graph: graph, table: table)
      let node = try #require(M.node(result, named: kept))
      #expect(node.inputs[0] == "y_DequantizeLinear_Output")
      #expect(M.node(result, named: "c")?.outputs == ["y"])
    }
  }

  @Test func maxPoolAndFlattenShareTheirInputScaleConcatDoesNot() throws {
    let (graph, table) = try Self.quantized()
    // MaxPool output p1 is quantized with a1's parameters, as onnxruntime's QDQDirect8BitOp does.
    let pooled = try #require(M.node(graph, named: "p1_QuantizeLinear"))
    #expect(pooled.inputs == ["p1", "a1_scale", "a1_zero_point"])
    #expect(graph.constants["p1_scale"] == nil)
    #expect(M.node(graph, named: "f_QuantizeLinear")?.inputs == ["f", "g_scale", "g_zero_point"])
    // Concat (QDQOperatorBase in onnxruntime): each input keeps its own, the output has its own.
    let concat = try #require(M.node(graph, named: "cat"))
    #expect(concat.inputs == ["p1_DequantizeLinear_Output", "a2_DequantizeLinear_Output"])
    #expect(M.node(graph, named: "c_QuantizeLinear")?.inputs == ["c", "c_scale", "c_zero_point"])
    #expect(M.scalar(graph, "c_scale") == QuantizationChoice.activation(table.ranges["c"]!).scales[0])
  }

  @Test func graphOutputsStayFloatAndKeepTheirNames() throws {
    let (graph, _) = try Self.quantized()
    #expect(graph.outputs == ["y", "z"])
    #expect(M.node(graph, named: "fc")?.outputs == ["y_QuantizeLinear_Input"])
    #expect(M.node(graph, named: "y_DequantizeLinear")?.outputs == ["y"])
    #expect(M.node(graph, named: "c3")?.outputs == ["z_QuantizeLinear_Input"])
    let model = try CompiledModel(graph: graph)
    #expect(
      model.tensorInfos["y"]?.elementType == .float32 && model.tensorInfos["z"]?.elementType == .float32)
    // Gemm weights [10, 5] without transB: one scale per output column (axis 1).
    #expect(graph.constants["W3_quantized"]?.quantization?.axis == 1)
    #expect(graph.constants["W3_scale"]?.shape == [5])
  }

  @Test func keptFloatNodesKeepFloatWeights() throws {
    let (byName, _) = try Self.quantized(.init(keepFloat: ["c2"]))
    #expect(byName.constants["W2"] != nil && byName.constants["W2_quantized"] == nil)
    #expect(byName.constants["B2"] != nil)
    // Its input is still dequantized (MaxPool's output is quantized for the other readers).
    #expect(M.node(byName, named: "c2")?.inputs[0] == "p1_DequantizeLinear_Output")
    // The Clip after a float Conv has no quantized input, so it stays (and quantizes its output).
    #expect(M.node(byName, named: "clip") != nil)
    let (byOp, _) = try Self.quantized(.init(keepFloatOps: ["Conv", "Gemm"]))
    #expect(!byOp.constants.keys.contains { $0.hasSuffix("_quantized") })
    #expect(M.node(byOp, named: "r1") != nil)
  }

  @Test func perTensorWeightsOption() throws {
    let (graph, _) = try Self.quantized(.init(perChannelWeights: false))
    #expect(graph.constants["W1_scale"]?.shape == [])
    #expect(graph.constants["W1_quantized"]?.quantization?.axis == nil)
    #expect(graph.constants["B1_quantized_scale"]?.shape == [1])
    #expect(M.node(graph, named: "B1_DequantizeLinear")?.attributes["axis"] == nil)
  }

  @Test func quantizingWithoutARangeIsAnError() throws {
    let graph = M.convNet()
    var table = try PostTrainingQuantizer().calibrate(graph: graph, samples: M.samples(1))
    table.ranges["c"] = nil
    #expect {
      try PostTrainingQuantizer().quantize(graph: graph, table: table)
    } throws: { ($0 as? GraphError)?.description.contains("tensor c has no calibrated range") == true }
  }
}
