import Foundation
import Testing

@testable import Engine

private typealias M = ONNXTestModels

/// Each import rewrite on its own, and the numbers of rewritten models against literal imports.
@Suite struct ImportRewriteTests {
  static func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
  }

  /// Validated literal import of `model`.
  static func literal(_ model: Onnx_ModelProto) throws -> Graph {
    try importONNX(bytes: M.serialized(model), options: .literal)
  }

  // MARK: Identity and Dropout

  @Test func removesIdentitiesAndInferenceDropouts() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 4])], outputs: ["y"],
      nodes: [
        M.node("Relu", ["x"], ["a"], name: "r1"),
        M.node("Identity", ["a"], ["b"]),
        M.node("Dropout", ["b"], ["c"], [M.attribute("ratio", float: 0.5)]),
        M.node("Neg", ["c"], ["d"], name: "neg"),
        M.node("Identity", ["d"], ["y"]),  // the graph output keeps its name: neg produces y
      ], opset: 11)
    var graph = try Self.literal(model)
    IdentityRemoval.apply(&graph)
    #expect(graph.nodes.map(\.op) == ["Relu", "Neg"])
    #expect(graph.nodes[1].inputs == ["a"] && graph.nodes[1].outputs == ["y"])
    let input = try M.tensor([-1, 2, -3, 4], shape: [1, 4])
    #expect(M.values(try CompiledModel(graph: graph).run(["x": input])["y"]) == [0, -2, 0, -4])
  }

  @Test func keepsIdentitiesThatCarryAnOutputName() throws {
    // x -> Identity -> y: the input cannot be renamed, so the Identity stays.
    let passThrough = M.model(
      inputs: [M.value("x", dims: [2])], outputs: ["y"], nodes: [M.node("Dropout", ["x"], ["y"])], opset: 13)
    let graph = try importONNX(bytes: M.serialized(passThrough))
    #expect(graph.nodes.map(\.op) == ["Identity"])
    // A Dropout whose mask is an output is not an identity.
    let masked = M.model(
      inputs: [M.value("x", dims: [2])], outputs: ["y", "mask"],
      nodes: [M.node("Dropout", ["x"], ["y", "mask"])])
    var literal = try Self.literal(masked)
    IdentityRemoval.apply(&literal)
    #expect(literal.nodes.map(\.op) == ["Dropout"])
    // Nor is one in training mode.
    var training = M.model(
      inputs: [M.value("x", dims: [2])], outputs: ["z"],
      nodes: [M.node("Dropout", ["x", "", "train"], ["y"]), M.node("Relu", ["y"], ["z"])],
      initializers: [M.bytes("train", [1], type: 9, dims: [])])
    #expect(
      throws: GraphError(
        "node Dropout_0 (Dropout) reads train, a BOOL tensor, which the engine does not support")
    ) {
      try importONNX(bytes: M.serialized(training))
    }
    training.graph.initializer[0] = M.bytes("train", [0], type: 9, dims: [])
    #expect(try importONNX(bytes: M.serialized(training)).nodes.map(\.op) == ["Relu"])
  }

  // MARK: Constant folding

  @Test func foldsNodesOfConstantsWithTheEngine() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 3])], outputs: ["y"],
      nodes: [
        M.node("Neg", ["c1"], ["n"]),
        M.node("Add", ["n", "c2"], ["s"]),
        M.node("Mul", ["x", "s"], ["y"], name: "mul"),
      ],
      initializers: [M.floats("c1", [1, 2, 3], dims: [3]), M.floats("c2", [10, 10, 10], dims: [3])])
    var graph = try Self.literal(model)
    ConstantFolding.apply(&graph, registry: StandardOperators.registry)
    DeadCodeElimination.apply(&graph)
    #expect(graph.nodes.map(\.name) == ["mul"])
    #expect(M.values(graph.constants["s"]) == [9, 8, 7])
    #expect(graph.constants.keys.sorted() == ["s"])
  }

  @Test func answersShapeFromStaticShapes() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [2, 3, 4])], outputs: ["s", "tail", "n"],
      nodes: [
        M.node("Shape", ["x"], ["s"]),
        M.node("Shape", ["x"], ["tail"], [M.attribute("start", int: -2)]),
        M.node("Size", ["x"], ["n"]),
      ])
    let graph = try importONNX(bytes: M.serialized(model))
    #expect(graph.nodes.isEmpty)
    #expect(M.ints(graph.constants["s"]) == [2, 3, 4])
    #expect(M.ints(graph.constants["tail"]) == [3, 4])
    #expect(M.ints(graph.constants["n"]) == [24] && graph.constants["n"]?.shape == [])
  }

  static let hasShapeOperators = ["Gather", "Concat", "Reshape"].allSatisfy {
    StandardOperators.registry[$0] != nil
  }

  /// What exporters write for `x.view(x.size(0), -1)`.
  @Test(.enabled(if: hasShapeOperators, "needs the engine's Gather, Concat and Reshape"))
  func foldsShapeGatherConcatReshapeChains() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [2, 3, 4])], outputs: ["y"],
      nodes: [
        M.node("Shape", ["x"], ["shape"]),
        M.node("Gather", ["shape", "zero"], ["batch"], [M.attribute("axis", int: 0)]),
        M.node("Unsqueeze", ["batch", "axes"], ["batch1"]),
        M.node("Concat", ["batch1", "minus1"], ["target"], [M.attribute("axis", int: 0)]),
        M.node("Reshape", ["x", "target"], ["y"], name: "reshape"),
      ],
      initializers: [
        M.int64s("zero", [0], dims: []), M.int64s("axes", [0], dims: [1]),
        M.int64s("minus1", [-1], dims: [1]),
      ])
    let graph = try importONNX(bytes: M.serialized(model))
    #expect(graph.nodes.map(\.name) == ["reshape"])
    #expect(M.ints(graph.constants["target"]) == [2, -1])
  }

  @Test func leavesDequantizeOfConstantsUnlessAsked() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [2])], outputs: ["y"],
      nodes: [
        M.node("DequantizeLinear", ["w", "scale", "zero"], ["wf"]), M.node("Mul", ["x", "wf"], ["y"]),
      ],
      initializers: [
        M.bytes("w", [0xfe, 0x04], type: 3, dims: [2]), M.floats("scale", [0.5], dims: []),
        M.bytes("zero", [0x01], type: 3, dims: []),
      ])
    let kept = try importONNX(bytes: M.serialized(model))
    #expect(kept.nodes.map(\.op) == ["DequantizeLinear", "Mul"])
    // The int8 weights carry the quantization their DequantizeLinear applies.
    #expect(kept.constants["w"]?.quantization == Quantization(scale: 0.5, zeroPoint: 1))
    #expect(kept.constants["zero"]?.quantization == Quantization(scale: 1, zeroPoint: 0))
    guard StandardOperators.registry["DequantizeLinear"] != nil else { return }
    var options = ONNXImportOptions()
    options.foldConstantDequantize = true
    let folded = try importONNX(bytes: M.serialized(model), options: options)
    #expect(folded.nodes.map(\.op) == ["Mul"])
    #expect(M.values(folded.constants["wf"]) == [-1.5, 1.5])
  }

  @Test func refusesToFoldPastTheSizeLimit() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [4])], outputs: ["y"],
      nodes: [M.node("Neg", ["c"], ["n"], name: "neg"), M.node("Add", ["x", "n"], ["y"])],
      initializers: [M.floats("c", [1, 2, 3, 4], dims: [4])])
    var graph = try Self.literal(model)
    ConstantFolding.apply(&graph, registry: StandardOperators.registry, maximumBytes: 15)
    #expect(graph.nodes.map(\.name).contains("neg"))
    // Two 16-byte folds against a 20-byte budget for the whole pass: the first only.
    let twice = M.model(
      inputs: [M.value("x", dims: [4])], outputs: ["y"],
      nodes: [
        M.node("Neg", ["c"], ["n"], name: "first"), M.node("Abs", ["c"], ["m"], name: "second"),
        M.node("Sum", ["x", "n", "m"], ["y"]),
      ],
      initializers: [M.floats("c", [1, 2, 3, 4], dims: [4])])
    graph = try Self.literal(twice)
    ConstantFolding.apply(&graph, registry: StandardOperators.registry, maximumTotalBytes: 20)
    #expect(graph.nodes.map(\.name) == ["second", "Sum_2"])
  }

  @Test func fillsConstantOfShapeOfAConstantShape() throws {
    var value = M.floats("", [0.25], dims: [1], raw: false)
    value.name = ""
    let model = M.model(
      inputs: [M.value("x", dims: [2, 3])], outputs: ["y"],
      nodes: [
        M.node("ConstantOfShape", ["shape"], ["fill"], [M.attribute("value", tensor: value)]),
        M.node("Add", ["x", "fill"], ["y"]),
      ],
      initializers: [M.int64s("shape", [2, 3], dims: [2])], opset: 9)
    let graph = try importONNX(bytes: M.serialized(model))
    #expect(graph.nodes.map(\.op) == ["Add"])
    #expect(M.values(graph.constants["fill"]) == [Float](repeating: 0.25, count: 6))
    #expect(graph.constants["fill"]?.shape == [2, 3])
  }

  // MARK: Conv + BatchNormalization

  /// x [1, 2, 5, 5] -> Conv(3x3, 3 channels, pad 1) -> BatchNormalization -> y.
  static func convBatchNorm(bias: Bool) -> Onnx_ModelProto {
    var initializers = [
      M.floats("W", M.noise(3 * 2 * 9, seed: 1), dims: [3, 2, 3, 3]),
      M.floats("gamma", [1.5, -0.5, 2], dims: [3]), M.floats("beta", [0.1, 0.2, -0.3], dims: [3]),
      M.floats("mean", [0.3, -0.2, 0.05], dims: [3]), M.floats("var", [0.8, 1.7, 0.2], dims: [3]),
    ]
    if bias { initializers.append(M.floats("B", [0.5, -1, 0.25], dims: [3])) }
    return M.model(
      inputs: [M.value("x", dims: [1, 2, 5, 5])], outputs: ["y"],
      nodes: [
        M.node(
          "Conv", bias ? ["x", "W", "B"] : ["x", "W"], ["c"], name: "conv",
          [M.attribute("pads", ints: [1, 1, 1, 1])]),
        M.node(
          "BatchNormalization", ["c", "gamma", "beta", "mean", "var"], ["y"],
          [M.attribute("epsilon", float: 1e-3)]),
      ], initializers: initializers)
  }

  @Test(arguments: [false, true]) func foldsBatchNormalizationIntoConv(bias: Bool) throws {
    let model = Self.convBatchNorm(bias: bias)
    let input = try M.tensor(M.noise(50, seed: 2), shape: [1, 2, 5, 5])
    let (graph, fused) = try M.run(model, ["x": input])
    #expect(graph.nodes.map(\.op) == ["Conv"])
    #expect(graph.nodes[0].outputs == ["y"])
    // The reference: the Conv alone, then batch normalization computed here.
    var convOnly = model
    convOnly.graph.node.removeLast()
    convOnly.graph.output = [M.value("c", dims: nil)]
    let conv = M.values(try M.run(convOnly, options: .literal, ["x": input]).outputs["c"])
    let gamma: [Float] = [1.5, -0.5, 2], beta: [Float] = [0.1, 0.2, -0.3], mean: [Float] = [0.3, -0.2, 0.05]
    let variance: [Float] = [0.8, 1.7, 0.2]
    let expected = conv.enumerated().map { index, value in
      let channel = index / 25
      return (value - mean[channel]) / (variance[channel] + 1e-3).squareRoot() * gamma[channel]
        + beta[channel]
    }
    #expect(Self.maxDifference(M.values(fused["y"]), expected) < 1e-5)
    // And against the engine's own BatchNormalization, once it exists.
    if StandardOperators.registry["BatchNormalization"] != nil {
      var options = ONNXImportOptions()
      options.foldBatchNormalization = false
      let unfused = try M.run(model, options: options, ["x": input]).outputs
      #expect(Self.maxDifference(M.values(fused["y"]), M.values(unfused["y"])) < 1e-5)
    }
  }

  @Test func leavesBatchNormalizationWhoseConvOutputIsShared() throws {
    var model = Self.convBatchNorm(bias: true)
    model.graph.output.append(M.value("c", dims: nil))
    var graph = try Self.literal(model)
    try BatchNormFolding.apply(&graph)
    #expect(graph.nodes.map(\.op) == ["Conv", "BatchNormalization"])
  }

  // MARK: Activations

  /// x [1, 2, 6, 6] -> Conv(3x3, 4 channels) -> `activation` nodes -> y.
  static func convThen(
    _ activation: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], opset: Int64 = 13
  )
    -> Onnx_ModelProto
  {
    M.model(
      inputs: [M.value("x", dims: [1, 2, 6, 6])], outputs: ["y"],
      nodes: [M.node("Conv", ["x", "W", "B"], ["c"], name: "conv")] + activation,
      initializers: [
        M.floats("W", M.noise(4 * 2 * 9, seed: 3).map { $0 * 2 }, dims: [4, 2, 3, 3]),
        M.floats("B", [0.5, -0.5, 0.1, 0], dims: [4]),
      ] + initializers, opset: opset)
  }

  static let activationCases: [(String, Onnx_ModelProto, [String: Attribute])] = [
    ("Relu", convThen([M.node("Relu", ["c"], ["y"])]), ["activation": .string("Relu")]),
    (
      "Clip",
      convThen(
        [M.node("Clip", ["c", "lo", "hi"], ["y"])],
        initializers: [M.floats("lo", [-0.5], dims: []), M.floats("hi", [1], dims: [])]),
      ["activation": .string("Clip"), "activation_min": .float(-0.5), "activation_max": .float(1)]
    ),
    (
      "Clip6",
      convThen(
        [M.node("Clip", ["c"], ["y"], [M.attribute("min", float: 0), M.attribute("max", float: 6)])], opset: 9
      ),
      ["activation": .string("Clip"), "activation_min": .float(0), "activation_max": .float(6)]
    ),
    (
      "LeakyRelu", convThen([M.node("LeakyRelu", ["c"], ["y"], [M.attribute("alpha", float: 0.2)])]),
      ["activation": .string("LeakyRelu"), "activation_alpha": .float(0.2)]
    ),
    (
      "HardSwish", convThen([M.node("HardSwish", ["c"], ["y"])], opset: 14),
      ["activation": .string("HardSwish")]
    ),
    ("Sigmoid", convThen([M.node("Sigmoid", ["c"], ["y"])]), ["activation": .string("Sigmoid")]),
    (
      "SiLU", convThen([M.node("Sigmoid", ["c"], ["s"]), M.node("Mul", ["s", "c"], ["y"])]),
      ["activation": .string("SiLU")]
    ),
  ]

  @Test(arguments: 0..<activationCases.count) func fusesActivationsIntoConv(index: Int) throws {
    let (name, model, attributes) = Self.activationCases[index]
    let input = try M.tensor(M.noise(72, seed: 4).map { $0 * 3 }, shape: [1, 2, 6, 6])
    let (graph, fused) = try M.run(model, ["x": input])
    #expect(graph.nodes.map(\.op) == ["Conv"], "\(name)")
    #expect(graph.nodes[0].outputs == ["y"])
    for (key, value) in attributes { #expect(graph.nodes[0].attributes[key] == value, "\(name) \(key)") }
    var options = ONNXImportOptions()
    options.fuseActivations = false
    let (literal, unfused) = try M.run(model, options: options, ["x": input])
    #expect(literal.nodes.count > 1)
    #expect(Self.maxDifference(M.values(fused["y"]), M.values(unfused["y"])) < 1e-5, "\(name)")
  }

  @Test func leavesActivationsWhenTheConvOutputIsShared() throws {
    var model = Self.convThen([M.node("Relu", ["c"], ["y"]), M.node("Neg", ["c"], ["z"])])
    model.graph.output.append(M.value("z", dims: nil))
    let graph = try importONNX(bytes: M.serialized(model))
    #expect(graph.nodes.map(\.op) == ["Conv", "Relu", "Neg"])
  }

  @Test func fusesStandaloneSigmoidMulIntoSiLU() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 5])], outputs: ["y"],
      nodes: [
        M.node("Relu", ["x"], ["r"]), M.node("Sigmoid", ["r"], ["s"]),
        M.node("Mul", ["r", "s"], ["y"], name: "swish"),
      ])
    let input = try M.tensor([-2, -0.5, 0, 0.5, 3], shape: [1, 5])
    let (graph, fused) = try M.run(model, ["x": input])
    #expect(graph.nodes.map(\.op) == ["Relu", "SiLU"])
    #expect(graph.nodes[1].name == "swish")
    let unfused = try M.run(model, options: .literal, ["x": input]).outputs
    #expect(Self.maxDifference(M.values(fused["y"]), M.values(unfused["y"])) < 1e-6)
  }

  @Test func reluChainsSurviveEveryRewrite() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 4])], outputs: ["y"],
      nodes: [
        M.node("Neg", ["x"], ["a"]), M.node("Identity", ["a"], ["b"]), M.node("Relu", ["b"], ["c"]),
        M.node("Sigmoid", ["c"], ["d"]), M.node("Dropout", ["d"], ["y"]),
      ])
    let input = try M.tensor([-1, 2, -3, 4], shape: [1, 4])
    let rewritten = try M.run(model, ["x": input])
    #expect(rewritten.graph.nodes.map(\.op) == ["Neg", "Relu", "Sigmoid"])
    let expected: [Float] = [1, 0, 3, 0].map { 1 / (1 + exp(-$0)) }
    #expect(Self.maxDifference(M.values(rewritten.outputs["y"]), expected) < 1e-6)
  }

  // MARK: Older opsets

  @Test func rewritesOldSoftmaxIntoTheCurrentForm() throws {
    let lastAxis = M.model(
      inputs: [M.value("x", dims: [2, 5])], outputs: ["y"], nodes: [M.node("Softmax", ["x"], ["y"])],
      opset: 11)
    var graph = try Self.literal(lastAxis)
    try OpsetNormalization.apply(&graph, opset: 11, registry: StandardOperators.registry)
    #expect(graph.nodes.map(\.op) == ["Softmax"] && graph.nodes[0].attributes["axis"] == .int(-1))
    let inner = M.model(
      inputs: [M.value("x", dims: [2, 3, 4])], outputs: ["y"], nodes: [M.node("Softmax", ["x"], ["y"])],
      opset: 11)
    graph = try Self.literal(inner)
    try OpsetNormalization.apply(&graph, opset: 11, registry: StandardOperators.registry)
    #expect(graph.nodes.map(\.op) == ["Flatten", "Softmax", "Shape", "Reshape"])
    #expect(graph.nodes[0].attributes["axis"] == .int(1) && graph.nodes[1].attributes["axis"] == .int(-1))
  }

  @Test func movesOldAttributesIntoInputs() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 2, 8, 8])], outputs: ["y"],
      nodes: [
        M.node("Upsample", ["x"], ["u"], [M.attribute("scales", floats: [1, 1, 2, 2])]),
        M.node(
          "Slice", ["u"], ["s"],
          [
            M.attribute("starts", ints: [1]), M.attribute("ends", ints: [Int64.max]),
            M.attribute("axes", ints: [2]),
          ]),
        M.node(
          "Pad", ["s"], ["p"],
          [M.attribute("pads", ints: [0, 0, 1, 1, 0, 0, 1, 1]), M.attribute("value", float: 0.5)]),
        M.node("Squeeze", ["p"], ["y"], [M.attribute("axes", ints: [0])]),
      ], opset: 8)
    var graph = try Self.literal(model)
    try OpsetNormalization.apply(&graph, opset: 8, registry: StandardOperators.registry)
    let resize = graph.nodes[0]
    #expect(resize.op == "Resize" && resize.inputs.count == 3 && resize.inputs[1].isEmpty)
    #expect(M.values(graph.constants[resize.inputs[2]]) == [1, 1, 2, 2])
    #expect(resize.attributes["coordinate_transformation_mode"] == .string("asymmetric"))
    #expect(resize.attributes["nearest_mode"] == .string("floor"))
    let slice = graph.nodes[1]
    #expect(slice.attributes.isEmpty && slice.inputs.count == 4)
    #expect(M.ints(graph.constants[slice.inputs[2]]) == [Int32.max])
    let pad = graph.nodes[2]
    #expect(M.ints(graph.constants[pad.inputs[1]]) == [0, 0, 1, 1, 0, 0, 1, 1])
    #expect(M.values(graph.constants[pad.inputs[2]]) == [0.5])
    #expect(M.ints(graph.constants[graph.nodes[3].inputs[1]]) == [0])
    // Resize of opset 10 takes (X, scales): the scales move behind an empty roi.
    let resize10 = M.model(
      inputs: [M.value("x", dims: [1, 1, 2, 2])], outputs: ["y"],
      nodes: [M.node("Resize", ["x", "scales"], ["y"])],
      initializers: [M.floats("scales", [1, 1, 2, 2], dims: [4])], opset: 10)
    graph = try Self.literal(resize10)
    try OpsetNormalization.apply(&graph, opset: 10, registry: StandardOperators.registry)
    #expect(graph.nodes[0].inputs == ["x", "", "scales"])
  }
}
