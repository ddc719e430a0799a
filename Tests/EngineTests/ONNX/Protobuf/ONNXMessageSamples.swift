@testable import Engine

/// ONNX messages with every field set (nested messages, both cases of each oneof, explicit
/// default values, negative and extreme numbers), for round trips and as fuzzing seeds.
enum ONNXMessageSamples {
  static func entry(_ key: String, _ value: String) -> Onnx_StringStringEntryProto {
    var entry = Onnx_StringStringEntryProto()
    entry.key = key
    entry.value = value
    return entry
  }

  static func opset(_ domain: String, _ version: Int64) -> Onnx_OperatorSetIdProto {
    var opset = Onnx_OperatorSetIdProto()
    opset.domain = domain
    opset.version = version
    return opset
  }

  static var segment: Onnx_TensorProto.Segment {
    var segment = Onnx_TensorProto.Segment()
    segment.begin = 0  // explicitly set to the default value: must stay set
    segment.end = Int64.max
    return segment
  }

  /// A tensor using every data field (not a valid ONNX tensor, but a valid message).
  static var tensor: Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.dims = [2, 0, -1, Int64.max, Int64.min]
    tensor.dataType = -3
    tensor.segment = segment
    tensor.floatData = [0, -0.0, 1.5, .infinity, -.greatestFiniteMagnitude, .leastNonzeroMagnitude]
    tensor.int32Data = [0, -1, Int32.min, Int32.max]
    tensor.stringData = [[], [0, 0xff, 0x80], Array("名前".utf8)]
    tensor.int64Data = [Int64.min, -1, 0, 1, Int64.max]
    tensor.name = "tensor ✓"
    tensor.docString = ""
    tensor.rawData = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    tensor.externalData = [entry("location", "weights.bin"), entry("offset", "4096")]
    tensor.dataLocation = .external
    tensor.doubleData = [1.0 / 3.0, -.infinity, .ulpOfOne]
    tensor.uint64Data = [0, 1, UInt64.max]
    tensor.metadataProps = [entry("k", "v")]
    return tensor
  }

  static var floatTensor: Onnx_TensorProto {
    var tensor = Onnx_TensorProto()
    tensor.name = "w"
    tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
    tensor.dims = [2]
    tensor.rawData = [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]
    return tensor
  }

  static var sparseTensor: Onnx_SparseTensorProto {
    var sparse = Onnx_SparseTensorProto()
    sparse.values = floatTensor
    var indices = Onnx_TensorProto()
    indices.dataType = 7
    indices.dims = [2]
    indices.int64Data = [1, 3]
    sparse.indices = indices
    sparse.dims = [4, 1]
    return sparse
  }

  static func dimension(_ value: Int64) -> Onnx_TensorShapeProto.Dimension {
    var dimension = Onnx_TensorShapeProto.Dimension()
    dimension.dimValue = value
    return dimension
  }

  static func dimension(_ parameter: String, denotation: String? = nil) -> Onnx_TensorShapeProto.Dimension {
    var dimension = Onnx_TensorShapeProto.Dimension()
    dimension.dimParam = parameter
    if let denotation { dimension.denotation = denotation }
    return dimension
  }

  static var shape: Onnx_TensorShapeProto {
    var shape = Onnx_TensorShapeProto()
    shape.dim = [
      dimension("batch", denotation: "DATA_BATCH"), dimension(3), dimension(0),
      Onnx_TensorShapeProto.Dimension(),
    ]
    return shape
  }

  static var tensorType: Onnx_TypeProto {
    var tensor = Onnx_TypeProto.Tensor()
    tensor.elemType = 1
    tensor.shape = shape
    var type = Onnx_TypeProto()
    type.tensorType = tensor
    type.denotation = "IMAGE"
    return type
  }

  /// One TypeProto of each kind, the recursive ones nested.
  static var types: [Onnx_TypeProto] {
    var sequence = Onnx_TypeProto()
    var sequenceType = Onnx_TypeProto.Sequence()
    sequenceType.elemType = tensorType
    sequence.sequenceType = sequenceType
    var map = Onnx_TypeProto()
    var mapType = Onnx_TypeProto.Map()
    mapType.keyType = 8
    mapType.valueType = sequence
    map.mapType = mapType
    var optional = Onnx_TypeProto()
    var optionalType = Onnx_TypeProto.Optional()
    optionalType.elemType = map
    optional.optionalType = optionalType
    var sparse = Onnx_TypeProto()
    var sparseType = Onnx_TypeProto.SparseTensor()
    sparseType.elemType = 1
    sparseType.shape = shape
    sparse.sparseTensorType = sparseType
    var opaque = Onnx_TypeProto()
    var opaqueType = Onnx_TypeProto.Opaque()
    opaqueType.domain = "com.hiyari"
    opaqueType.name = "Blob"
    opaque.opaqueType = opaqueType
    return [tensorType, sequence, map, optional, sparse, opaque, Onnx_TypeProto()]
  }

  static func valueInfo(_ name: String, _ type: Onnx_TypeProto) -> Onnx_ValueInfoProto {
    var value = Onnx_ValueInfoProto()
    value.name = name
    value.type = type
    value.docString = "doc of \(name)"
    value.metadataProps = [entry("unit", "px")]
    return value
  }

  /// An attribute with every value field set.
  static var attribute: Onnx_AttributeProto {
    var attribute = Onnx_AttributeProto()
    attribute.name = "everything"
    attribute.refAttrName = "outer"
    attribute.docString = "all fields"
    attribute.type = .undefined  // set to the default: stays set
    attribute.f = -0.0
    attribute.i = Int64.min
    attribute.s = [0, 0xff, 0x41]
    attribute.t = tensor
    attribute.g = smallGraph
    attribute.sparseTensor = sparseTensor
    attribute.tp = types[3]
    attribute.floats = [1, -2.5, .infinity]
    attribute.ints = [-1, 0, Int64.max]
    attribute.strings = [Array("a".utf8), [], [0xc3, 0x28]]
    attribute.tensors = [floatTensor, Onnx_TensorProto()]
    attribute.graphs = [smallGraph, Onnx_GraphProto()]
    attribute.sparseTensors = [sparseTensor]
    attribute.typeProtos = types
    return attribute
  }

  static var deviceConfiguration: Onnx_NodeDeviceConfigurationProto {
    var byValue = Onnx_SimpleShardedDimProto()
    byValue.dimValue = 4
    byValue.numShards = 2
    var byParameter = Onnx_SimpleShardedDimProto()
    byParameter.dimParam = "N"
    var dimension = Onnx_ShardedDimProto()
    dimension.axis = -1
    dimension.simpleSharding = [byValue, byParameter, Onnx_SimpleShardedDimProto()]
    var group = Onnx_IntIntListEntryProto()
    group.key = 0
    group.value = [0, 1, -5]
    var sharding = Onnx_ShardingSpecProto()
    sharding.tensorName = "x"
    sharding.device = [0, 1]
    sharding.indexToDeviceGroupMap = [group]
    sharding.shardedDim = [dimension]
    var configuration = Onnx_NodeDeviceConfigurationProto()
    configuration.configurationID = "pair"
    configuration.shardingSpec = [sharding]
    configuration.pipelineStage = -2
    return configuration
  }

  static var node: Onnx_NodeProto {
    var node = Onnx_NodeProto()
    node.input = ["x", "", "w"]
    node.output = ["y"]
    node.name = "n0"
    node.opType = "Everything"
    node.domain = "com.hiyari"
    node.overload = "v2"
    node.attribute = [attribute, Onnx_AttributeProto()]
    node.docString = "a node"
    node.metadataProps = [entry("a", "b"), entry("", "")]
    node.deviceConfigurations = [deviceConfiguration]
    return node
  }

  static var smallGraph: Onnx_GraphProto {
    var relu = Onnx_NodeProto()
    relu.opType = "Relu"
    relu.input = ["a"]
    relu.output = ["b"]
    var graph = Onnx_GraphProto()
    graph.name = "branch"
    graph.node = [relu]
    graph.input = [valueInfo("a", tensorType)]
    graph.output = [valueInfo("b", tensorType)]
    return graph
  }

  static var annotation: Onnx_TensorAnnotation {
    var annotation = Onnx_TensorAnnotation()
    annotation.tensorName = "x"
    annotation.quantParameterTensorNames = [entry("SCALE_TENSOR", "s"), entry("ZERO_POINT_TENSOR", "z")]
    return annotation
  }

  static var graph: Onnx_GraphProto {
    var graph = Onnx_GraphProto()
    graph.node = [node, smallGraph.node[0]]
    graph.name = "main"
    graph.initializer = [floatTensor, tensor]
    graph.sparseInitializer = [sparseTensor]
    graph.docString = "the graph"
    graph.input = [valueInfo("x", tensorType)]
    graph.output = [valueInfo("y", types[1])]
    graph.valueInfo = types.enumerated().map { valueInfo("v\($0.offset)", $0.element) }
    graph.quantizationAnnotation = [annotation]
    graph.metadataProps = [entry("graph", "meta")]
    return graph
  }

  static var trainingInfo: Onnx_TrainingInfoProto {
    var info = Onnx_TrainingInfoProto()
    info.initialization = smallGraph
    info.algorithm = smallGraph
    info.initializationBinding = [entry("w", "w0")]
    info.updateBinding = [entry("w", "w1"), entry("b", "b1")]
    return info
  }

  static var function: Onnx_FunctionProto {
    var function = Onnx_FunctionProto()
    function.name = "Everything"
    function.input = ["x", "w"]
    function.output = ["y"]
    function.attribute = ["outer"]
    var beta = Onnx_AttributeProto()
    beta.name = "beta"
    beta.type = .float
    beta.f = 0.25
    function.attributeProto = [beta]
    function.node = [smallGraph.node[0]]
    function.docString = "a function"
    function.opsetImport = [opset("", 21)]
    function.domain = "com.hiyari"
    function.overload = "v2"
    function.valueInfo = [valueInfo("b", tensorType)]
    function.metadataProps = [entry("f", "g")]
    return function
  }

  static var configuration: Onnx_DeviceConfigurationProto {
    var configuration = Onnx_DeviceConfigurationProto()
    configuration.name = "pair"
    configuration.numDevices = 2
    configuration.device = ["cpu:0", "cpu:1"]
    return configuration
  }

  /// A model with every field of every ONNX message set somewhere.
  static var model: Onnx_ModelProto {
    var model = Onnx_ModelProto()
    model.irVersion = 14
    model.opsetImport = [opset("", 21), opset("com.hiyari", 1)]
    model.producerName = "hiyari-tests"
    model.producerVersion = "1.0"
    model.domain = "ai.hiyari"
    model.modelVersion = -1
    model.docString = "kitchen sink"
    model.graph = graph
    model.metadataProps = [entry("names", "{0: 'car'}")]
    model.trainingInfo = [trainingInfo]
    model.functions = [function]
    model.configuration = [configuration]
    return model
  }
}
