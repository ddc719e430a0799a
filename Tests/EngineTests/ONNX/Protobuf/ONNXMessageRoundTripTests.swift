import Testing

@testable import Engine

private typealias S = ONNXMessageSamples

/// Every ONNX message survives encoding and decoding unchanged, with protobuf's semantics:
/// presence of optional fields, oneofs, merging of repeated occurrences, packed and unpacked
/// repeated scalars, unknown fields skipped.
@Suite struct ONNXMessageRoundTripTests {
  /// Decodes what `message` encodes to; the result must equal it and encode to the same bytes.
  static func roundTrip<Message: ProtobufMessage>(
    _ message: Message, sourceLocation: SourceLocation = #_sourceLocation
  )
    throws
  {
    let bytes = message.serializedBytes()
    let decoded = try Message(serializedBytes: bytes)
    #expect(decoded == message, "\(Message.protobufName)", sourceLocation: sourceLocation)
    #expect(decoded.serializedBytes() == bytes, "\(Message.protobufName)", sourceLocation: sourceLocation)
    #expect(try Message(serializedBytes: []) == Message(), sourceLocation: sourceLocation)
  }

  @Test func everyMessageRoundTrips() throws {
    try Self.roundTrip(S.entry("key", "välue"))
    try Self.roundTrip(S.opset("ai.onnx", 21))
    try Self.roundTrip(S.segment)
    try Self.roundTrip(S.tensor)
    try Self.roundTrip(S.sparseTensor)
    try Self.roundTrip(S.dimension(7))
    try Self.roundTrip(S.dimension("N", denotation: "DATA_BATCH"))
    try Self.roundTrip(S.shape)
    for type in S.types { try Self.roundTrip(type) }
    try Self.roundTrip(S.types[0].tensorType)
    try Self.roundTrip(S.types[1].sequenceType)
    try Self.roundTrip(S.types[2].mapType)
    try Self.roundTrip(S.types[3].optionalType)
    try Self.roundTrip(S.types[4].sparseTensorType)
    try Self.roundTrip(S.types[5].opaqueType)
    try Self.roundTrip(S.valueInfo("x", S.tensorType))
    try Self.roundTrip(S.attribute)
    try Self.roundTrip(S.deviceConfiguration)
    try Self.roundTrip(S.deviceConfiguration.shardingSpec[0])
    try Self.roundTrip(S.deviceConfiguration.shardingSpec[0].shardedDim[0])
    for part in S.deviceConfiguration.shardingSpec[0].shardedDim[0].simpleSharding {
      try Self.roundTrip(part)
    }
    try Self.roundTrip(S.deviceConfiguration.shardingSpec[0].indexToDeviceGroupMap[0])
    try Self.roundTrip(S.node)
    try Self.roundTrip(S.annotation)
    try Self.roundTrip(S.graph)
    try Self.roundTrip(S.trainingInfo)
    try Self.roundTrip(S.function)
    try Self.roundTrip(S.configuration)
    try Self.roundTrip(S.model)
  }

  @Test func optionalFieldsKeepTheirPresence() throws {
    var tensor = Onnx_TensorProto()
    #expect(!tensor.hasDataType && tensor.dataType == 0 && !tensor.hasRawData && tensor.rawData.isEmpty)
    tensor.dataType = 0
    tensor.rawData = []
    #expect(tensor.hasDataType && tensor.hasRawData)
    #expect(tensor.serializedBytes() == [0x10, 0x00, 0x4a, 0x00], "set defaults are written")
    let decoded = try Onnx_TensorProto(serializedBytes: tensor.serializedBytes())
    #expect(decoded.hasDataType && decoded.hasRawData && !decoded.hasName && !decoded.hasSegment)
    tensor.clearRawData()
    tensor.clearDataType()
    #expect(tensor == Onnx_TensorProto() && tensor.serializedBytes().isEmpty)
    // Defaults of every kind of field.
    let model = Onnx_ModelProto()
    #expect(
      model.irVersion == 0 && model.producerName == "" && !model.hasGraph && model.graph == Onnx_GraphProto())
    let attribute = Onnx_AttributeProto()
    #expect(attribute.type == .undefined && !attribute.hasType && attribute.s == [] && !attribute.hasT)
    #expect(Onnx_TensorProto().dataLocation == .default && Onnx_TypeProto().value == nil)
    #expect(Onnx_TypeProto().tensorType == Onnx_TypeProto.Tensor() && !Onnx_TypeProto.Tensor().hasShape)
  }

  @Test func oneofsHoldOneCase() throws {
    var dimension = Onnx_TensorShapeProto.Dimension()
    #expect(dimension.value == nil && dimension.dimValue == 0 && dimension.dimParam == "")
    dimension.dimValue = 0
    #expect(dimension.value == .dimValue(0))
    dimension.dimParam = "N"
    #expect(dimension.value == .dimParam("N") && dimension.dimValue == 0)
    // On the wire, the last case wins.
    let both: [UInt8] = [0x08, 0x05, 0x12, 0x01, 0x4e, 0x08, 0x07]  // dim_value 5, dim_param "N", dim_value 7
    #expect(try Onnx_TensorShapeProto.Dimension(serializedBytes: both).value == .dimValue(7))
    var type = Onnx_TypeProto()
    type.tensorType.elemType = 1  // through the accessor, as the importer's tests build types
    #expect(type.value == .tensorType(type.tensorType) && type.tensorType.elemType == 1)
    type.sequenceType = Onnx_TypeProto.Sequence()
    guard case .sequenceType? = type.value else {
      Issue.record("setting sequenceType replaces tensorType")
      return
    }
    var sharded = Onnx_SimpleShardedDimProto()
    sharded.dimParam = "M"
    #expect(sharded.dim == .dimParam("M"))
  }

  @Test func repeatedOccurrencesMergeAsProtobufSays() throws {
    // Two occurrences of ModelProto.graph: the second merges into the first.
    var first = Onnx_GraphProto()
    first.name = "one"
    first.node = [S.smallGraph.node[0]]
    var second = Onnx_GraphProto()
    second.docString = "two"
    second.node = [S.smallGraph.node[0]]
    var writer = ProtobufWriter()
    writer.write(7, first)
    writer.write(1, Int64(3))
    writer.write(7, second)
    writer.write(1, Int64(9))
    let model = try Onnx_ModelProto(serializedBytes: writer.bytes)
    #expect(model.irVersion == 9, "the last scalar wins")
    #expect(model.graph.name == "one" && model.graph.docString == "two" && model.graph.node.count == 2)
    // A oneof message case that appears twice merges too.
    var type = Onnx_TypeProto()
    type.tensorType.elemType = 1
    var shape = Onnx_TypeProto()
    shape.tensorType.shape = S.shape
    let merged = try Onnx_TypeProto(serializedBytes: type.serializedBytes() + shape.serializedBytes())
    #expect(merged.tensorType.elemType == 1 && merged.tensorType.shape == S.shape)
  }

  @Test func repeatedScalarsArePackedOrNotAsONNXDeclaresAndReadEitherWay() throws {
    var tensor = Onnx_TensorProto()
    tensor.dims = [1, 2]  // proto2 without [packed = true]: one tag per value
    tensor.floatData = [1, 2]  // [packed = true]
    #expect(
      tensor.serializedBytes() == [0x08, 0x01, 0x08, 0x02, 0x22, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40])
    var attribute = Onnx_AttributeProto()
    attribute.floats = [1]
    attribute.ints = [-1]
    #expect(
      attribute.serializedBytes() == [0x3d, 0, 0, 0x80, 0x3f, 0x40] + [UInt8](repeating: 0xff, count: 9) + [
        0x01
      ])
    // Packed dims and unpacked float_data, interleaved with packed ones, all append.
    let bytes: [UInt8] = [
      0x0a, 0x02, 0x03, 0x04, 0x08, 0x05, 0x25, 0, 0, 0x40, 0x40, 0x22, 0x04, 0, 0, 0x80, 0x40,
    ]
    let decoded = try Onnx_TensorProto(serializedBytes: bytes)
    #expect(decoded.dims == [3, 4, 5] && decoded.floatData == [3, 4])
    // int32 is sign-extended to ten bytes and truncated back.
    tensor = Onnx_TensorProto()
    tensor.int32Data = [-1]
    #expect(tensor.serializedBytes() == [0x2a, 0x0a] + [UInt8](repeating: 0xff, count: 9) + [0x01])
    #expect(try Onnx_TensorProto(serializedBytes: tensor.serializedBytes()).int32Data == [-1])
    let unpacked: [UInt8] = [0x28, 0x80, 0x80, 0x80, 0x80, 0x10]  // int32_data = 2^32: truncates to 0
    #expect(try Onnx_TensorProto(serializedBytes: unpacked).int32Data == [0])
  }

  @Test func floatsKeepTheirBits() throws {
    var attribute = Onnx_AttributeProto()
    let payloads: [UInt32] = [0x7fc0_0001, 0xffbf_ffff, 0x8000_0000, 0x0000_0001]
    attribute.floats = payloads.map { Float(bitPattern: $0) }
    attribute.f = Float(bitPattern: 0x7f80_0001)
    let decoded = try Onnx_AttributeProto(serializedBytes: attribute.serializedBytes())
    #expect(decoded.floats.map(\.bitPattern) == payloads)
    #expect(decoded.f.bitPattern == 0x7f80_0001)
  }

  @Test func unknownFieldsAndUnknownEnumValuesAreSkipped() throws {
    var writer = ProtobufWriter()
    writer.write(1, "add")  // name
    writer.write(99, Int64(-1))  // unknown varint
    writer.writeTag(100, .fixed64)
    writer.writeFixed64(42)
    writer.writeTag(101, .fixed32)
    writer.writeFixed32(42)
    writer.write(102, [UInt8](repeating: 7, count: 200))  // unknown length-delimited
    writer.writeTag(103, .startGroup)  // an unknown group holding a nested group and fields
    writer.write(1, Int64(5))
    writer.writeTag(104, .startGroup)
    writer.write(2, "inner")
    writer.writeTag(104, .endGroup)
    writer.writeTag(103, .endGroup)
    writer.write(20, Int32(77))  // type = 77: no such AttributeType, so the field stays unset
    writer.write(3, Int64(12))  // i
    writer.write(2, "not a float")  // f with the wrong wire type: skipped as unknown
    let attribute = try Onnx_AttributeProto(serializedBytes: writer.bytes)
    #expect(attribute.name == "add" && attribute.i == 12)
    #expect(!attribute.hasType && !attribute.hasF)
    var expected = Onnx_AttributeProto()
    expected.name = "add"
    expected.i = 12
    #expect(attribute == expected)
  }
}
