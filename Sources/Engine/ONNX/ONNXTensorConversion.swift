/// An ONNX tensor (initializer, Constant node value, test data) in engine terms: either an
/// engine tensor, or the reason the engine cannot hold it, kept until a node turns out to use it.
enum ONNXConstant {
  case tensor(Tensor)
  /// A tensor of a type the engine lacks; `bools` holds a BOOL tensor's values, which some
  /// rewrites need (Dropout's training_mode).
  case unsupported(reason: String, bools: [Bool]?)
}

/// Converts `Onnx_TensorProto`s into `Tensor`s, checking every size against the declared shape.
enum ONNXTensorConversion {
  /// The quantization given to int8/uint8 tensors that are plain integers (zero points,
  /// integer test data): real value = stored value.
  static let plainIntegers = Quantization(scale: 1, zeroPoint: 0)

  /// Checks a tensor's dimensions; returns the element count.
  static func elementCount(_ dims: [Int64], name: String) throws(GraphError) -> Int {
    guard dims.count <= Graph.maximumRank else {
      throw GraphError("tensor \(name) has rank \(dims.count); the engine's limit is \(Graph.maximumRank)")
    }
    var count = 1
    for dimension in dims {
      guard dimension >= 0, dimension <= Int64(Int.max) else {
        throw GraphError("tensor \(name) has a negative dimension in its shape \(dims)")
      }
      let (product, overflow) = count.multipliedReportingOverflow(by: Int(dimension))
      guard !overflow, product <= Tensor.maximumByteCount else {
        throw GraphError(
          "tensor \(name) has shape \(dims), whose size exceeds the engine's limit of \(Tensor.maximumByteCount) bytes"
        )
      }
      count = product
    }
    return count
  }

  /// Converts `proto`; `quantization` is given to int8/uint8 tensors (plain integers by default).
  static func convert(_ proto: Onnx_TensorProto, name: String, quantization: Quantization? = nil)
    throws(GraphError) -> ONNXConstant
  {
    if proto.dataLocation == .external || !proto.externalData.isEmpty {
      let location = proto.externalData.first { $0.key == "location" }?.value ?? "?"
      throw GraphError(
        "tensor \(name) keeps its data in an external file (\(location)); Hiyari imports self-contained models only: "
          + "re-save it with onnx.save_model(model, path, save_as_external_data=False) (models up to 2 GiB)")
    }
    if proto.hasSegment {
      throw GraphError("tensor \(name) is split into segments, which Hiyari does not import")
    }
    let type = proto.dataType
    let count = try elementCount(proto.dims, name: name)
    let shape = proto.dims.map { Int($0) }
    guard let engineType = ONNXDataType.engineType(type) else {
      if type == ONNXDataType.bool {
        let bools = try boolValues(proto, name: name, count: count)
        return .unsupported(reason: "a BOOL tensor", bools: bools)
      }
      return .unsupported(reason: "a \(ONNXDataType.name(type)) tensor", bools: nil)
    }
    // Sizes are checked before anything is allocated.
    let raw = try rawData(proto, name: name, count: count)
    if raw == nil {
      let typed = typedCount(proto)
      guard typed == count else {
        throw GraphError("tensor \(name) holds \(typed) values; its shape \(proto.dims) needs \(count)")
      }
    }
    let tensor: Tensor
    do {
      tensor = try Tensor(
        shape: shape, elementType: engineType,
        quantization: engineType.isQuantized ? (quantization ?? plainIntegers) : nil)
    } catch {
      throw GraphError("tensor \(name): \(error)")
    }
    switch type {
    case ONNXDataType.float:
      try fill(tensor, Float.self, raw: raw, typed: proto.floatData, name: name, count: count) {
        (bits: UInt32) in
        Float(bitPattern: bits)
      } convert: {
        $0
      }
    case ONNXDataType.double:
      try fill(tensor, Float.self, raw: raw, typed: proto.doubleData, name: name, count: count) {
        (bits: UInt64) in
        Double(bitPattern: bits)
      } convert: {
        Float($0)
      }
    case ONNXDataType.float16:
      try fill(tensor, Float.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt16) in
        Int32(bits)
      } convert: {
        ONNXDataType.halfToFloat(UInt16(truncatingIfNeeded: $0))
      }
    case ONNXDataType.bfloat16:
      try fill(tensor, Float.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt16) in
        Int32(bits)
      } convert: {
        ONNXDataType.bfloat16ToFloat(UInt16(truncatingIfNeeded: $0))
      }
    case ONNXDataType.int32:
      try fill(tensor, Int32.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt32) in
        Int32(bitPattern: bits)
      } convert: {
        $0
      }
    case ONNXDataType.int64:
      try fill(tensor, Int32.self, raw: raw, typed: proto.int64Data, name: name, count: count) {
        (bits: UInt64) in
        Int64(bitPattern: bits)
      } convert: {
        ONNXDataType.saturate($0)
      }
    case ONNXDataType.int16:
      try fill(tensor, Int32.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt16) in
        Int32(Int16(bitPattern: bits))
      } convert: {
        Int32(Int16(truncatingIfNeeded: $0))
      }
    case ONNXDataType.uint16:
      try fill(tensor, Int32.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt16) in
        Int32(bits)
      } convert: {
        Int32(UInt16(truncatingIfNeeded: $0))
      }
    case ONNXDataType.int8:
      try checkByteRange(proto, raw: raw, name: name, range: -128...127)
      try fill(tensor, Int8.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt8) in
        Int32(Int8(bitPattern: bits))
      } convert: {
        Int8(truncatingIfNeeded: $0)
      }
    case ONNXDataType.uint8:
      try checkByteRange(proto, raw: raw, name: name, range: 0...255)
      try fill(tensor, UInt8.self, raw: raw, typed: proto.int32Data, name: name, count: count) {
        (bits: UInt8) in
        Int32(bits)
      } convert: {
        UInt8(truncatingIfNeeded: $0)
      }
    default:
      preconditionFailure("engineType and this switch disagree on \(type)")
    }
    return .tensor(tensor)
  }

  /// The raw_data bytes when the tensor uses raw_data, checked against the shape.
  private static func rawData(_ proto: Onnx_TensorProto, name: String, count: Int) throws(GraphError)
    -> [UInt8]?
  {
    guard proto.hasRawData else { return nil }
    let size = ONNXDataType.rawByteCount(proto.dataType)!
    let (expected, overflow) = count.multipliedReportingOverflow(by: size)
    let actual = proto.rawData.count
    guard !overflow, actual == expected else {
      throw GraphError(
        "tensor \(name) has \(actual) bytes of raw_data; its shape \(proto.dims) of \(ONNXDataType.name(proto.dataType)) needs \(overflow ? "more than \(Int.max)" : "\(expected)")"
      )
    }
    return proto.rawData
  }

  /// Writes `count` elements into `tensor`, from raw little-endian bytes (each read as `Bits`
  /// and widened by `decode`) or from the typed repeated field.
  private static func fill<Element, Typed, Bits: FixedWidthInteger>(
    _ tensor: Tensor, _ element: Element.Type, raw: [UInt8]?, typed: [Typed], name: String, count: Int,
    decode: (Bits) -> Typed, convert: (Typed) -> Element
  ) throws(GraphError) {
    if let raw {
      tensor.withMutableElements(as: Element.self) { target in
        raw.withUnsafeBytes { source in
          for index in 0..<count {
            let bits = Bits(
              littleEndian: source.loadUnaligned(
                fromByteOffset: index * MemoryLayout<Bits>.size, as: Bits.self))
            target[index] = convert(decode(bits))
          }
        }
      }
      return
    }
    tensor.withMutableElements(as: Element.self) { target in
      for index in 0..<count { target[index] = convert(typed[index]) }
    }
  }

  /// How many values the typed field that `proto`'s data type uses holds.
  private static func typedCount(_ proto: Onnx_TensorProto) -> Int {
    switch proto.dataType {
    case ONNXDataType.float: proto.floatData.count
    case ONNXDataType.double: proto.doubleData.count
    case ONNXDataType.int64: proto.int64Data.count
    case ONNXDataType.uint32, ONNXDataType.uint64: proto.uint64Data.count
    default: proto.int32Data.count
    }
  }

  /// int32_data carrying int8/uint8 values must hold values of that range.
  private static func checkByteRange(
    _ proto: Onnx_TensorProto, raw: [UInt8]?, name: String, range: ClosedRange<Int32>
  )
    throws(GraphError)
  {
    guard raw == nil, let bad = proto.int32Data.first(where: { !range.contains($0) }) else { return }
    throw GraphError(
      "tensor \(name) of \(ONNXDataType.name(proto.dataType)) holds the value \(bad), out of range")
  }

  private static func boolValues(_ proto: Onnx_TensorProto, name: String, count: Int) throws(GraphError)
    -> [Bool]
  {
    if let raw = try rawData(proto, name: name, count: count) { return raw.map { $0 != 0 } }
    guard proto.int32Data.count == count else {
      throw GraphError(
        "tensor \(name) holds \(proto.int32Data.count) values; its shape \(proto.dims) needs \(count)")
    }
    return proto.int32Data.map { $0 != 0 }
  }
}
