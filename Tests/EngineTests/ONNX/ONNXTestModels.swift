import Foundation

@testable import Engine

/// Builds ONNX protobuf messages in Swift, so importer tests need no Python.
enum ONNXTestModels {
  static func floats(_ name: String, _ values: [Float], dims: [Int64], raw: Bool = true) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dataType = 1
    tensor.dims = dims
    if raw {
      tensor.rawData = values.withUnsafeBytes { Array($0) }
    } else {
      tensor.floatData = values
    }
    return tensor
  }

  static func int64s(_ name: String, _ values: [Int64], dims: [Int64], raw: Bool = false) -> Onnx_TensorProto
  {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dataType = 7
    tensor.dims = dims
    if raw {
      tensor.rawData = values.withUnsafeBytes { Array($0) }
    } else {
      tensor.int64Data = values
    }
    return tensor
  }

  static func bytes(_ name: String, _ values: [UInt8], type: Int32, dims: [Int64]) -> Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = name
    tensor.dataType = type
    tensor.dims = dims
    tensor.rawData = values
    return tensor
  }

  /// A tensor value description; a String dimension is symbolic (dim_param).
  static func value(_ name: String, type: Int32 = 1, dims: [Any]?) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    var tensorType = Onnx_TypeProto.Tensor()
    tensorType.elemType = type
    if let dims {
      var shape = Onnx_TensorShapeProto()
      shape.dim = dims.map { dimension in
        var dim = Onnx_TensorShapeProto.Dimension()
        if let symbol = dimension as? String {
          dim.dimParam = symbol
        } else {
          dim.dimValue = Int64(dimension as! Int)
        }
        return dim
      }
      tensorType.shape = shape
    }
    info.type.tensorType = tensorType
    return info
  }

  static func attribute(_ name: String, int: Int64) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .int
    attribute.i = int
    return attribute
  }

  static func attribute(_ name: String, ints: [Int64]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .ints
    attribute.ints = ints
    return attribute
  }

  static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .float
    attribute.f = float
    return attribute
  }

  static func attribute(_ name: String, floats: [Float]) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .floats
    attribute.floats = floats
    return attribute
  }

  static func attribute(_ name: String, string: String) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .string
    attribute.s = Array(string.utf8)
    return attribute
  }

  static func attribute(_ name: String, tensor: Onnx_TensorProto) -> Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = name
    attribute.type = .tensor
    attribute.t = tensor
    return attribute
  }

  static func node(
    _ op: String, _ inputs: [String], _ outputs: [String], name: String = "",
    _ attributes: [Onnx_AttributeProto] = []
  ) -> Onnx_NodeProto {
    var node = Onnx_NodeProto()
    node.opType = op
    node.input = inputs
    node.output = outputs
    node.name = name
    node.attribute = attributes
    return node
  }

  static func model(
    inputs: [Onnx_ValueInfoProto], outputs: [String], nodes: [Onnx_NodeProto],
    initializers: [Onnx_TensorProto] = [],
    opset: Int64 = 13
  ) -> Onnx_ModelProto {
    var graph = Onnx_GraphProto()
    graph.name = "test"
    graph.input = inputs
    graph.output = outputs.map { value($0, dims: nil) }
    graph.node = nodes
    graph.initializer = initializers
    var model = Onnx_ModelProto()
    model.irVersion = 8
    model.producerName = "hiyari-tests"
    model.producerVersion = "1"
    var opsetID = Onnx_OperatorSetIdProto()
    opsetID.domain = ""
    opsetID.version = opset
    model.opsetImport = [opsetID]
    model.graph = graph
    return model
  }

  static func serialized(_ model: Onnx_ModelProto) throws -> [UInt8] { model.serializedBytes() }

  /// Deterministic pseudo-random floats in [-1, 1).
  static func noise(_ count: Int, seed: UInt64) -> [Float] {
    var state = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Float(Int64(bitPattern: state >> 11) % 2_000_000) / 1_000_000 - 1
    }
  }

  static func tensor(_ values: [Float], shape: [Int]) throws -> Tensor {
    let tensor = try Tensor(shape: shape, elementType: .float32)
    tensor.withMutableElements(as: Float.self) { for index in values.indices { $0[index] = values[index] } }
    return tensor
  }

  static func values(_ tensor: Tensor?) -> [Float] {
    tensor?.withElements(as: Float.self) { Array($0) } ?? []
  }

  static func ints(_ tensor: Tensor?) -> [Int32] { tensor?.withElements(as: Int32.self) { Array($0) } ?? [] }

  /// Imports `model`, compiles and runs it on `inputs`.
  static func run(
    _ model: Onnx_ModelProto, options: ONNXImportOptions = ONNXImportOptions(), _ inputs: [String: Tensor]
  )
    throws -> (graph: Graph, outputs: [String: Tensor])
  {
    let graph = try importONNX(bytes: serialized(model), options: options)
    return (graph, try CompiledModel(graph: graph).run(inputs))
  }
}
