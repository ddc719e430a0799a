import Engine

/// Writes a float32 Engine graph whose nodes are standard ONNX operators (as the detector's
/// `exportGraph()` makes: Conv, Relu, Resize, Concat) as an ONNX model (opset 13), so users can
/// open the shipped detector in their own tools. Weights go in as raw little-endian
/// initializers; the graph's metadata becomes `metadata_props`, outputs carry their shapes.
///
/// Engine has ONNX import only; this belongs beside it once a second user needs it.
enum ONNXExport {
  static let opset: Int64 = 13
  static let irVersion: Int64 = 8

  static func model(_ graph: Graph) throws -> Onnx_ModelProto {
    let compiled = try CompiledModel(graph: graph, threadCount: 1)
    var onnx = Onnx_GraphProto()
    onnx.name = "hiyari-fcos"
    for info in graph.inputs { onnx.input.append(valueInfo(info)) }
    for name in graph.outputs {
      guard let info = compiled.tensorInfos[name] else {
        throw TrainCommandError("output \(name) has no shape")
      }
      onnx.output.append(valueInfo(info))
    }
    for name in graph.constants.keys.sorted() {
      let tensor = graph.constants[name]!
      var proto = Onnx_TensorProto()
      proto.name = name
      proto.dims = tensor.shape.map(Int64.init)
      proto.dataType = dataType(tensor.elementType)
      proto.rawData = Array(tensor.bytes)
      onnx.initializer.append(proto)
    }
    for node in graph.nodes {
      var proto = Onnx_NodeProto()
      proto.name = node.name
      proto.opType = node.op
      proto.input = node.inputs
      proto.output = node.outputs
      proto.attribute = node.attributes.keys.sorted().map { attribute($0, node.attributes[$0]!) }
      onnx.node.append(proto)
    }
    var model = Onnx_ModelProto()
    model.irVersion = irVersion
    model.producerName = "hiyari-train"
    var opsetImport = Onnx_OperatorSetIdProto()
    opsetImport.domain = ""
    opsetImport.version = opset
    model.opsetImport = [opsetImport]
    model.graph = onnx
    model.metadataProps = graph.metadata.keys.sorted().map { key in
      var entry = Onnx_StringStringEntryProto()
      entry.key = key
      entry.value = graph.metadata[key]!
      return entry
    }
    return model
  }

  static func write(_ graph: Graph, to path: String) throws {
    try DurableFile.write(try model(graph).serializedBytes(), to: path)
  }

  static func dataType(_ type: ElementType) -> Int32 {
    switch type {
    case .float32: 1
    case .uint8: 2
    case .int8: 3
    case .int32: 6
    }
  }

  static func valueInfo(_ info: TensorInfo) -> Onnx_ValueInfoProto {
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = dataType(info.elementType)
    var shape = Onnx_TensorShapeProto()
    shape.dim = info.shape.map { size in
      var dimension = Onnx_TensorShapeProto.Dimension()
      dimension.value = .dimValue(Int64(size))
      return dimension
    }
    tensor.shape = shape
    var type = Onnx_TypeProto()
    type.value = .tensorType(tensor)
    var proto = Onnx_ValueInfoProto()
    proto.name = info.name
    proto.type = type
    return proto
  }

  static func attribute(_ name: String, _ value: Attribute) -> Onnx_AttributeProto {
    var proto = Onnx_AttributeProto()
    proto.name = name
    switch value {
    case .int(let value):
      proto.type = .int
      proto.i = Int64(value)
    case .ints(let values):
      proto.type = .ints
      proto.ints = values.map(Int64.init)
    case .float(let value):
      proto.type = .float
      proto.f = value
    case .floats(let values):
      proto.type = .floats
      proto.floats = values
    case .string(let value):
      proto.type = .string
      proto.s = Array(value.utf8)
    }
    return proto
  }
}
