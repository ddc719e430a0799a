/// Imports an ONNX model (the bytes of a .onnx file) as an engine `Graph`.
///
/// The graph comes back validated (topologically sorted), with the rewrites of `options` applied
/// and the model's facts in `metadata`: "onnx.producer", "onnx.producer_version", "onnx.opset",
/// "onnx.ir_version", "onnx.graph", "onnx.doc" (when set), and every `metadata_props` entry
/// under its own key. Inputs with symbolic dimensions need a concrete shape in `inputShapes`.
/// Anything the engine cannot hold is refused with an error naming the tensor, node or input.
public func importONNX(
  bytes: [UInt8], inputShapes: [String: [Int]] = [:], options: ONNXImportOptions = ONNXImportOptions()
) throws(GraphError) -> Graph {
  try ONNXImporter.importModel(ONNXImporter.decode(bytes), inputShapes: inputShapes, options: options)
}

/// Imports the ONNX model at `path`; see `importONNX(bytes:inputShapes:options:)`.
public func importONNX(
  path: String, inputShapes: [String: [Int]] = [:], options: ONNXImportOptions = ONNXImportOptions()
) throws(GraphError) -> Graph {
  let bytes = try ONNXFileReading.read(path, limit: ONNXImporter.maximumModelBytes)
  do {
    return try importONNX(bytes: bytes, inputShapes: inputShapes, options: options)
  } catch {
    throw GraphError("\(path): \(error.description)")
  }
}

/// The steps of `importONNX`, each usable on its own.
public enum ONNXImporter {
  /// Protobuf's own limit, and the most Hiyari will read: 2 GiB.
  public static let maximumModelBytes = 1 << 31

  /// Operators the importer itself removes or evaluates, so a model may use them even when the
  /// registry lacks them: Constant (becomes a constant), Identity and Dropout (removed), Shape and
  /// Size (answered from static shapes).
  public static let importerOperators: Set<String> = ["Constant", "Identity", "Dropout", "Shape", "Size"]

  /// Parses the bytes of a .onnx file.
  public static func decode(_ bytes: [UInt8]) throws(GraphError) -> Onnx_ModelProto {
    guard bytes.count <= maximumModelBytes else {
      throw GraphError(
        "the model is \(bytes.count) bytes; ONNX models larger than \(maximumModelBytes) bytes (2 GiB) are refused"
      )
    }
    let model: Onnx_ModelProto
    do {
      model = try Onnx_ModelProto(serializedBytes: bytes)
    } catch {
      throw GraphError("the bytes are not an ONNX model (protobuf decoding failed: \(error))")
    }
    guard model.hasGraph else { throw GraphError("the bytes are not an ONNX model: there is no graph") }
    return model
  }

  /// Translates a parsed model into a validated graph and applies the rewrites of `options`.
  public static func importModel(
    _ model: Onnx_ModelProto, inputShapes: [String: [Int]] = [:],
    options: ONNXImportOptions = ONNXImportOptions()
  ) throws(GraphError) -> Graph {
    let opset = try ONNXOpsetPolicy.opset(of: model)
    let translation = try translate(
      model, opset: opset, inputShapes: inputShapes, constantInputs: options.constantInputs)
    var graph = translation.graph
    if options.removeIdentities {
      IdentityRemoval.apply(&graph, bools: translation.bools)
    }
    try refuseUnsupportedConstants(graph, translation.unsupported)
    graph = try graph.validated()
    try QuantizationAnnotation.apply(&graph)
    if options.normalizeOldOpsets {
      try OpsetNormalization.apply(&graph, opset: opset, registry: options.registry)
    }
    if options.foldConstants {
      ConstantFolding.apply(
        &graph, registry: options.registry, foldDequantize: options.foldConstantDequantize,
        maximumBytes: options.maximumFoldedBytes, maximumTotalBytes: options.maximumFoldedTotalBytes)
    }
    if options.foldBatchNormalization {
      try BatchNormFolding.apply(&graph)
    }
    if options.fuseActivations {
      SiLUFusion.apply(&graph)
      ConvActivationFusion.apply(&graph)
    }
    if options.fuseQuantization {
      try QDQFusion.apply(&graph, registry: options.registry)
    }
    DeadCodeElimination.apply(&graph)
    return try graph.validated()
  }

  /// The literal translation: the graph (validated, before any rewrite) and the constants the
  /// engine cannot hold (by name, with the reason), which a rewrite may still make unnecessary.
  struct Translation {
    var graph: Graph
    var unsupported: [String: String]
    var bools: [String: [Bool]]
  }

  static func translate(
    _ model: Onnx_ModelProto, opset: Int, inputShapes: [String: [Int]], constantInputs: [String: Tensor] = [:]
  ) throws(GraphError) -> Translation {
    let source = model.graph
    guard source.node.count <= Graph.maximumNodes else {
      throw GraphError("the model has \(source.node.count) nodes; the limit is \(Graph.maximumNodes)")
    }
    guard !source.output.isEmpty else { throw GraphError("the model's graph declares no outputs") }
    var constants: [String: Tensor] = [:]
    var unsupported: [String: String] = [:]
    var bools: [String: [Bool]] = [:]
    func add(_ constant: ONNXConstant, _ name: String, what: String) throws(GraphError) {
      guard constants[name] == nil, unsupported[name] == nil else {
        throw GraphError("\(what) \(name) is defined twice")
      }
      switch constant {
      case .tensor(let tensor): constants[name] = tensor
      case .unsupported(let reason, let values):
        unsupported[name] = reason
        if let values { bools[name] = values }
      }
    }
    for initializer in source.initializer {
      try add(
        ONNXTensorConversion.convert(initializer, name: initializer.name), initializer.name,
        what: "initializer")
    }
    for sparse in source.sparseInitializer {
      try add(.unsupported(reason: "a sparse tensor", bools: nil), sparse.values.name, what: "initializer")
    }
    let inputs = try graphInputs(
      source, initializers: Set(constants.keys).union(unsupported.keys), inputShapes: inputShapes,
      bound: constantInputs)
    for (name, value) in constantInputs { constants[name] = value }
    var nodes: [Node] = []
    nodes.reserveCapacity(source.node.count)
    var nodeNames = Set<String>()
    for (index, proto) in source.node.enumerated() {
      let defaultDomain = ONNXOpsetPolicy.isDefaultDomain(proto.domain)
      let op = defaultDomain ? proto.opType : "\(proto.domain).\(proto.opType)"
      let name = GraphRewriting.freshName(
        proto.name.isEmpty ? "\(proto.opType)_\(index)" : proto.name, taken: &nodeNames)
      if defaultDomain && proto.opType == "Constant" {
        guard proto.output.count == 1, !proto.output[0].isEmpty else {
          throw GraphError("node \(name) (Constant) must have exactly one output")
        }
        try add(constantValue(proto, name: name), proto.output[0], what: "tensor")
        continue
      }
      var attributes: [String: Attribute] = [:]
      for attribute in proto.attribute {
        attributes[attribute.name] = try ONNXAttributeConversion.convert(attribute, node: name, op: op)
      }
      nodes.append(
        Node(name: name, op: op, inputs: proto.input, outputs: proto.output, attributes: attributes))
    }
    var metadata: [String: String] = [:]
    for entry in model.metadataProps { metadata[entry.key] = entry.value }
    metadata["onnx.producer"] = model.producerName
    metadata["onnx.producer_version"] = model.producerVersion
    metadata["onnx.opset"] = String(opset)
    metadata["onnx.ir_version"] = String(model.irVersion)
    metadata["onnx.graph"] = source.name
    if !model.docString.isEmpty { metadata["onnx.doc"] = model.docString }
    if model.hasModelVersion { metadata["onnx.model_version"] = String(model.modelVersion) }
    if !model.domain.isEmpty { metadata["onnx.domain"] = model.domain }
    // Unsupported constants take part in validation as empty placeholders, so that the graph is
    // sorted and its structure checked before the rewrites that may make them unnecessary.
    var placeholders = constants
    for name in unsupported.keys { placeholders[name] = try GraphRewriting.floatTensor([], shape: [0]) }
    var graph = try Graph(
      inputs: inputs, outputs: source.output.map(\.name), nodes: nodes, constants: placeholders,
      metadata: metadata
    ).validated()
    graph.constants = constants
    return Translation(graph: graph, unsupported: unsupported, bools: bools)
  }

  /// The graph inputs: the declared inputs that are not initializers, with static shapes.
  /// Inputs in `bound` are given values by the caller and become constants: they are checked
  /// against the declaration and left out of the result.
  static func graphInputs(
    _ source: Onnx_GraphProto, initializers: Set<String>, inputShapes: [String: [Int]],
    bound: [String: Tensor] = [:]
  ) throws(GraphError) -> [TensorInfo] {
    let declared = source.input.filter { !initializers.contains($0.name) }
    let names = Set(declared.map(\.name))
    for name in inputShapes.keys.sorted() where !names.contains(name) {
      throw GraphError(
        "a shape was given for \(name), which is not an input of the model (inputs: \(declared.map(\.name).joined(separator: ", ")))"
      )
    }
    for name in bound.keys.sorted() where !names.contains(name) {
      throw GraphError(
        "a constant was given for \(name), which is not an input of the model (inputs: \(declared.map(\.name).joined(separator: ", ")))"
      )
    }
    var inputs: [TensorInfo] = []
    for value in declared {
      let name = value.name
      guard case .tensorType(let type)? = value.type.value else {
        throw GraphError("input \(name) is not a tensor (sequences, maps and optionals are not supported)")
      }
      guard let elementType = ONNXDataType.activationType(type.elemType) else {
        throw GraphError(
          "input \(name) has element type \(ONNXDataType.name(type.elemType)), which the engine does not support"
        )
      }
      let declaredDims = type.hasShape ? type.shape.dim.map(\.value) : nil
      if let value = bound[name] {
        let conflicts =
          value.elementType != elementType
          || declaredDims.map { dims in
            dims.count != value.shape.count
              || zip(dims, value.shape).contains { dimension, size in
                if case .dimValue(let fixed)? = dimension { return fixed != Int64(size) }
                return false
              }
          } ?? false
        if conflicts {
          throw GraphError(
            "the constant given for input \(name) is \(value.elementType) \(value.shape), which the input's declaration does not allow"
          )
        }
        continue
      }
      let shape: [Int]
      if let given = inputShapes[name] {
        if let declaredDims {
          guard given.count == declaredDims.count else {
            throw GraphError(
              "the shape \(given) given for input \(name) has rank \(given.count); the model declares rank \(declaredDims.count)"
            )
          }
          for (axis, dimension) in declaredDims.enumerated() {
            if case .dimValue(let fixed)? = dimension, fixed > 0, Int64(given[axis]) != fixed {
              throw GraphError(
                "the shape \(given) given for input \(name) conflicts with the model's dimension \(axis), which is \(fixed)"
              )
            }
          }
        }
        shape = given
      } else {
        guard let declaredDims else {
          throw GraphError("input \(name) declares no shape; pass its concrete shape in inputShapes")
        }
        var dims: [Int] = []
        for dimension in declaredDims {
          switch dimension {
          case .dimValue(let value)? where value > 0 && value <= Int64(Int32.max):
            dims.append(Int(value))
          case .dimParam(let parameter)?:
            throw GraphError(
              "input \(name) has a dynamic shape (dimension \(dims.count) is \"\(parameter)\"); pass its concrete shape in inputShapes"
            )
          case .dimValue(let value)?:
            throw GraphError(
              "input \(name) has dimension \(dims.count) of size \(value); the engine needs every dimension to be at least 1"
            )
          case nil:
            throw GraphError(
              "input \(name) has a dynamic shape (dimension \(dims.count) is unknown); pass its concrete shape in inputShapes"
            )
          }
        }
        shape = dims
      }
      guard shape.count <= Graph.maximumRank, shape.allSatisfy({ $0 > 0 && $0 <= Int(Int32.max) }) else {
        throw GraphError(
          "input \(name) has shape \(shape); the engine needs rank at most \(Graph.maximumRank) and every dimension at least 1"
        )
      }
      _ = try ONNXTensorConversion.elementCount(shape.map { Int64($0) }, name: name)
      inputs.append(TensorInfo(name: name, elementType: elementType, shape: shape))
    }
    return inputs
  }

  /// A Constant node's value.
  static func constantValue(_ proto: Onnx_NodeProto, name: String) throws(GraphError) -> ONNXConstant {
    guard proto.attribute.count == 1, let attribute = proto.attribute.first else {
      throw GraphError("node \(name) (Constant) must have exactly one attribute")
    }
    let output = proto.output[0]
    switch attribute.name {
    case "value":
      return try ONNXTensorConversion.convert(attribute.t, name: output)
    case "value_float":
      return .tensor(try GraphRewriting.floatTensor([attribute.f], shape: []))
    case "value_floats":
      return .tensor(try GraphRewriting.floatTensor(attribute.floats, shape: [attribute.floats.count]))
    case "value_int":
      return .tensor(try GraphRewriting.intTensor([Int(ONNXDataType.saturate(attribute.i))], shape: []))
    case "value_ints":
      return .tensor(
        try GraphRewriting.intTensor(
          attribute.ints.map { Int(ONNXDataType.saturate($0)) }, shape: [attribute.ints.count]))
    case "value_string", "value_strings":
      return .unsupported(reason: "a string tensor", bools: nil)
    case "sparse_value":
      return .unsupported(reason: "a sparse tensor", bools: nil)
    default:
      throw GraphError("node \(name) (Constant) has the unknown attribute \(attribute.name)")
    }
  }

  /// Refuses a graph in which a node reads a constant the engine cannot hold.
  static func refuseUnsupportedConstants(_ graph: Graph, _ unsupported: [String: String]) throws(GraphError) {
    guard !unsupported.isEmpty else { return }
    for node in graph.nodes {
      for input in node.inputs where !input.isEmpty {
        if let reason = unsupported[input] {
          throw GraphError(
            "node \(node.name) (\(node.op)) reads \(input), \(reason), which the engine does not support")
        }
      }
    }
    for output in graph.outputs {
      if let reason = unsupported[output] {
        throw GraphError("graph output \(output) is \(reason), which the engine does not support")
      }
    }
  }
}
