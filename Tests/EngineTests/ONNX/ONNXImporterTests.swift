import Foundation
import Testing

@testable import Engine

private typealias M = ONNXTestModels

@Suite struct ONNXImporterTests {
  /// x [1, 4] -> Add(W) -> Slice(starts, ends) -> y, with constants of every convertible kind.
  static func constantsModel() -> Onnx_ModelProto {
    var model = M.model(
      // W is also listed as an input (IR 3 style).
      inputs: [M.value("x", dims: [1, 4]), M.value("W", dims: [4])],
      outputs: ["y"],
      nodes: [
        M.node("Add", ["x", "W"], ["a"], name: "add"),
        M.node("Constant", [], ["starts"], [M.attribute("value_ints", ints: [0, 0])]),
        M.node(
          "Slice", ["a", "starts", "ends", "axes"], ["y"], name: "slice",
          [
            M.attribute("an_int", int: 7), M.attribute("some_ints", ints: [1, -2]),
            M.attribute("a_float", float: 0.5),
            M.attribute("some_floats", floats: [1.5, 2.5]), M.attribute("a_string", string: "nearest"),
          ]),
      ],
      initializers: [
        M.floats("W", [1, 2, 3, 4], dims: [4]),
        M.int64s("ends", [Int64.max, 9_000_000_000], dims: [2]),
        M.int64s("axes", [Int64.min, -1], dims: [2], raw: true),
        M.floats("typed", [0.25, -0.5], dims: [2], raw: false),
        {
          var double = Onnx_TensorProto()
          double.name = "double"
          double.dataType = 11
          double.dims = [2]
          double.doubleData = [1.0 / 3.0, -2]
          return double
        }(),
        M.bytes("u8", [0, 255], type: 2, dims: [2]),
        M.bytes("i8", [0x80, 0x7f], type: 3, dims: [2]),
        M.bytes("half", [0x00, 0x3c, 0x00, 0xc0], type: 10, dims: [2]),  // 1.0, -2.0
      ])
    var producer = Onnx_StringStringEntryProto()
    producer.key = "names"
    producer.value = "{0: 'car'}"
    model.metadataProps = [producer]
    model.docString = "a test model"
    return model
  }

  @Test func importsConstantsAttributesAndMetadata() throws {
    let graph = try importONNX(bytes: M.serialized(Self.constantsModel()), options: .literal)
    #expect(graph.inputs.map(\.name) == ["x"], "initializers listed as inputs are constants, not inputs")
    #expect(graph.inputs[0].shape == [1, 4])
    #expect(M.values(graph.constants["W"]) == [1, 2, 3, 4])
    #expect(M.ints(graph.constants["starts"]) == [0, 0])
    #expect(M.ints(graph.constants["ends"]) == [Int32.max, Int32.max], "int64 saturates to int32")
    #expect(M.ints(graph.constants["axes"]) == [Int32.min, -1])
    // Constants no node reads are dropped.
    #expect(graph.constants["typed"] == nil && graph.constants["u8"] == nil)
    let slice = try #require(graph.nodes.first { $0.name == "slice" })
    #expect(slice.attributes["an_int"] == .int(7))
    #expect(slice.attributes["some_ints"] == .ints([1, -2]))
    #expect(slice.attributes["a_float"] == .float(0.5))
    #expect(slice.attributes["some_floats"] == .floats([1.5, 2.5]))
    #expect(slice.attributes["a_string"] == .string("nearest"))
    #expect(graph.metadata["onnx.producer"] == "hiyari-tests")
    #expect(graph.metadata["onnx.opset"] == "13")
    #expect(graph.metadata["onnx.doc"] == "a test model")
    #expect(graph.metadata["names"] == "{0: 'car'}")
  }

  @Test func convertsEveryElementTypeItHolds() throws {
    let model = Self.constantsModel()
    func constant(_ name: String) throws -> Tensor {
      let proto = try #require(model.graph.initializer.first { $0.name == name })
      guard case .tensor(let tensor) = try ONNXTensorConversion.convert(proto, name: name) else {
        Issue.record("\(name) was not converted")
        return try Tensor(shape: [], elementType: .float32)
      }
      return tensor
    }
    #expect(M.values(try constant("typed")) == [0.25, -0.5])
    #expect(M.values(try constant("double")) == [Float(1.0 / 3.0), -2])
    #expect(M.values(try constant("half")) == [1, -2])
    let u8 = try constant("u8")
    #expect(u8.elementType == .uint8 && u8.withElements(as: UInt8.self) { Array($0) } == [0, 255])
    #expect(u8.quantization == Quantization(scale: 1, zeroPoint: 0))
    #expect(try constant("i8").withElements(as: Int8.self) { Array($0) } == [-128, 127])
    #expect(ONNXDataType.halfToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
    #expect(ONNXDataType.halfToFloat(0x7c00) == .infinity)
    #expect(ONNXDataType.halfToFloat(0x7e00).isNaN)
    #expect(ONNXDataType.bfloat16ToFloat(0x3fc0) == 1.5)
  }

  @Test func runsAnImportedModel() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 4])], outputs: ["y"],
      nodes: [M.node("Add", ["x", "W"], ["a"]), M.node("Relu", ["a"], ["y"])],
      initializers: [M.floats("W", [1, -2, 3, -4], dims: [4])])
    let (_, outputs) = try M.run(model, ["x": M.tensor([0, 1, -5, 5], shape: [1, 4])])
    #expect(M.values(outputs["y"]) == [1, 0, 0, 1])
  }

  @Test func importsFromAFileAndNamesTheFileInErrors() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hiyari-onnx-\(getpid())")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let path = directory.appendingPathComponent("model.onnx").path
    let model = M.model(
      inputs: [M.value("x", dims: [2])], outputs: ["y"], nodes: [M.node("Relu", ["x"], ["y"])])
    try Data(M.serialized(model)).write(to: URL(fileURLWithPath: path))
    #expect(try importONNX(path: path).nodes.map(\.op) == ["Relu"])
    try Data([0x0a, 0xff]).write(to: URL(fileURLWithPath: path))
    let error = #expect(throws: GraphError.self) { try importONNX(path: path) }
    #expect(error?.description.hasPrefix("\(path): the bytes are not an ONNX model") == true)
    #expect(throws: GraphError("cannot open \(path).missing: No such file or directory")) {
      try importONNX(path: path + ".missing")
    }
  }

  // MARK: - Shapes

  static let dynamicModel = M.model(
    inputs: [M.value("images", dims: ["batch", 3, "height", 8])], outputs: ["y"],
    nodes: [M.node("Relu", ["images"], ["y"])])

  @Test func symbolicInputsNeedConcreteShapes() throws {
    #expect(
      throws: GraphError(
        "input images has a dynamic shape (dimension 0 is \"batch\"); pass its concrete shape in inputShapes")
    ) { try importONNX(bytes: M.serialized(Self.dynamicModel)) }
    let graph = try importONNX(bytes: M.serialized(Self.dynamicModel), inputShapes: ["images": [1, 3, 4, 8]])
    #expect(graph.inputs[0].shape == [1, 3, 4, 8])
    #expect(
      throws: GraphError(
        "the shape [1, 4, 4, 8] given for input images conflicts with the model's dimension 1, which is 3")
    ) { try importONNX(bytes: M.serialized(Self.dynamicModel), inputShapes: ["images": [1, 4, 4, 8]]) }
    #expect(
      throws: GraphError("the shape [1, 3, 4] given for input images has rank 3; the model declares rank 4")
    ) { try importONNX(bytes: M.serialized(Self.dynamicModel), inputShapes: ["images": [1, 3, 4]]) }
    #expect(
      throws: GraphError("a shape was given for image, which is not an input of the model (inputs: images)")
    ) { try importONNX(bytes: M.serialized(Self.dynamicModel), inputShapes: ["image": [1]]) }
  }

  @Test func bindsInputsToConstantsWhenAsked() throws {
    let model = M.model(
      inputs: [M.value("x", dims: [1, 3]), M.value("bias", dims: ["n"])], outputs: ["y"],
      nodes: [M.node("Add", ["x", "bias"], ["y"])])
    var options = ONNXImportOptions()
    options.constantInputs["bias"] = try M.tensor([1, 2, 3], shape: [3])
    let graph = try importONNX(bytes: M.serialized(model), options: options)
    #expect(graph.inputs.map(\.name) == ["x"])
    #expect(M.values(graph.constants["bias"]) == [1, 2, 3])
    options.constantInputs["bias"] = try M.tensor([1, 2], shape: [1, 2])
    #expect(
      throws: GraphError(
        "the constant given for input bias is float32 [1, 2], which the input's declaration does not allow")
    ) { try importONNX(bytes: M.serialized(model), options: options) }
    options.constantInputs = ["scale": try M.tensor([1], shape: [1])]
    #expect(
      throws: GraphError(
        "a constant was given for scale, which is not an input of the model (inputs: x, bias)")
    ) {
      try importONNX(bytes: M.serialized(model), options: options)
    }
  }

  // MARK: - Refusals

  static let tiny = M.model(
    inputs: [M.value("x", dims: [1, 2])], outputs: ["y"], nodes: [M.node("Mul", ["x", "W"], ["y"])],
    initializers: [M.floats("W", [2, 3], dims: [2])])

  func refusal(_ model: Onnx_ModelProto, inputShapes: [String: [Int]] = [:]) throws -> String {
    let bytes = try M.serialized(model)
    do {
      _ = try importONNX(bytes: bytes, inputShapes: inputShapes)
      return "accepted"
    } catch {
      return error.description
    }
  }

  @Test func refusesBytesThatAreNotAModel() throws {
    let bytes = try M.serialized(Self.tiny)
    for cut in [bytes.count - 1, bytes.count / 2, 7] {
      let error = #expect(throws: GraphError.self) { try importONNX(bytes: Array(bytes.prefix(cut))) }
      #expect(
        error?.description.hasPrefix("the bytes are not an ONNX model") == true,
        "\(cut): \(error?.description ?? "")")
    }
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<200 {
      let random = (0..<Int.random(in: 0..<512, using: &generator)).map { _ in
        UInt8.random(in: 0...255, using: &generator)
      }
      #expect(throws: GraphError.self) { try importONNX(bytes: random) }
    }
    #expect(throws: GraphError("the bytes are not an ONNX model: there is no graph")) {
      try importONNX(bytes: [])
    }
  }

  @Test func refusesRawDataThatDoesNotMatchTheShape() throws {
    var model = Self.tiny
    model.graph.initializer[0].rawData.removeLast()
    #expect(try refusal(model) == "tensor W has 7 bytes of raw_data; its shape [2] of FLOAT needs 8")
    model.graph.initializer[0] = M.floats("W", [2, 3, 4], dims: [2], raw: false)
    #expect(try refusal(model) == "tensor W holds 3 values; its shape [2] needs 2")
  }

  @Test func refusesShapesThatOverflowOrExceedTheLimit() throws {
    var model = Self.tiny
    model.graph.initializer[0].dims = [Int64.max, 4]
    #expect(try refusal(model).hasPrefix("tensor W has shape [9223372036854775807, 4], whose size exceeds"))
    model.graph.initializer[0].dims = [1 << 20, 1 << 20]
    #expect(try refusal(model).hasPrefix("tensor W has shape [1048576, 1048576], whose size exceeds"))
    // 2^32 floats: checked against the data before allocating.
    model.graph.initializer[0].dims = [1 << 16, 1 << 16]
    #expect(
      try refusal(model)
        == "tensor W has 8 bytes of raw_data; its shape [65536, 65536] of FLOAT needs 17179869184")
    model.graph.initializer[0].dims = [-1, 2]
    #expect(try refusal(model) == "tensor W has a negative dimension in its shape [-1, 2]")
    model.graph.initializer[0].dims = [Int64](repeating: 1, count: 9)
    #expect(try refusal(model) == "tensor W has rank 9; the engine's limit is 8")
  }

  @Test func refusesExternalData() throws {
    var model = Self.tiny
    var location = Onnx_StringStringEntryProto()
    location.key = "location"
    location.value = "weights.bin"
    model.graph.initializer[0].clearRawData()
    model.graph.initializer[0].externalData = [location]
    model.graph.initializer[0].dataLocation = .external
    #expect(
      try refusal(model)
        == "tensor W keeps its data in an external file (weights.bin); Hiyari imports self-contained models only: re-save it with onnx.save_model(model, path, save_as_external_data=False) (models up to 2 GiB)"
    )
  }

  @Test func refusesOpsetsOutsideTheSupportedRange() throws {
    var model = Self.tiny
    model.opsetImport[0].version = 3
    #expect(
      try refusal(model)
        == "the model uses ONNX opset 3; Hiyari imports opsets 7 to 21: convert it with onnx.version_converter.convert_version(model, 21)"
    )
    model.opsetImport[0].version = 99
    #expect(
      try refusal(model)
        == "the model uses ONNX opset 99, newer than any Hiyari knows (28); export it at opset 21 or lower")
    model.opsetImport = []
    #expect(try refusal(model) == "the model imports no opset of the default ONNX domain (ai.onnx)")
  }

  @Test func acceptsNewerOpsetsOnlyForOperatorsThatDidNotChange() throws {
    var model = Self.tiny
    model.opsetImport[0].version = 22  // Mul did not change after 21
    #expect(try refusal(model) == "accepted")
    model.graph.node = [
      M.node("QuantizeLinear", ["x", "s"], ["q"]), M.node("DequantizeLinear", ["q", "s"], ["y"]),
    ]
    model.graph.initializer = [M.floats("s", [0.1], dims: [])]
    model.opsetImport[0].version = 23  // QuantizeLinear 23 only added the optional `precision`
    #expect(try refusal(model) == "accepted")
    model.graph.node[0].name = "q"
    model.graph.node[0].attribute = [M.attribute("precision", int: 1)]
    #expect(
      try refusal(model)
        == "node q (QuantizeLinear) sets precision, which version 23 of QuantizeLinear added after opset 21 (the newest Hiyari imports as is): export the model at opset 21 or lower"
    )
    model.graph.node = [M.node("RMSNormalization", ["x", "s"], ["y"])]
    #expect(
      try refusal(model)
        == "the model uses ONNX opset 23, at which RMSNormalization is defined by its version 23, introduced or changed after opset 21 (the newest Hiyari imports as is): export it at opset 21 or lower"
    )
  }

  @Test func refusesTooManyNodes() throws {
    var model = Self.tiny
    let count = Graph.maximumNodes + 1
    model.graph.node = (0..<count).map { M.node("Relu", ["t\($0)"], ["t\($0 + 1)"]) }
    #expect(try refusal(model) == "the model has \(count) nodes; the limit is \(Graph.maximumNodes)")
  }

  @Test func refusesWhatTheEngineCannotHoldOnlyWhenItIsUsed() throws {
    var model = Self.tiny
    var flag = M.bytes("flag", [1], type: 9, dims: [])
    model.graph.initializer.append(flag)
    #expect(try refusal(model) == "accepted", "an unused BOOL initializer is harmless")
    model.graph.node = [M.node("Mul", ["x", "flag"], ["y"], name: "mul")]
    #expect(
      try refusal(model) == "node mul (Mul) reads flag, a BOOL tensor, which the engine does not support")
    flag.dataType = 8
    model.graph.initializer[1] = flag
    #expect(
      try refusal(model) == "node mul (Mul) reads flag, a STRING tensor, which the engine does not support")
    var input = Self.tiny
    input.graph.input = [M.value("x", type: 9, dims: [1, 2])]
    #expect(try refusal(input) == "input x has element type BOOL, which the engine does not support")
    var branch = Self.tiny
    var subgraph = Onnx_AttributeProto()
    subgraph.name = "then_branch"
    subgraph.type = .graph
    subgraph.g = Onnx_GraphProto()
    branch.graph.node = [M.node("If", ["x"], ["y"], name: "choose", [subgraph])]
    #expect(
      try refusal(branch)
        == "attribute then_branch of node choose (If) is a sub-graph, which Hiyari does not import")
  }

  @Test func reportsStructuralErrors() throws {
    var model = Self.tiny
    model.graph.node = [M.node("Mul", ["x", "missing"], ["y"], name: "mul")]
    #expect(try refusal(model) == "node mul (Mul) reads missing, which nothing produces")
    model.graph.initializer.append(M.floats("W", [1, 1], dims: [2]))
    #expect(try refusal(model) == "initializer W is defined twice")
  }
}
