/// A tensor value: its shape, element type and data, held in raw_data (little-endian) or in the
/// typed field the element type uses, or in an external file.
public struct Onnx_TensorProto: ProtobufMessage {
  public static let protobufName = "onnx.TensorProto"

  public var dims: [Int64] = []
  public var dataType: Int32 {
    get { _dataType ?? 0 }
    set { _dataType = newValue }
  }
  public var hasDataType: Bool { _dataType != nil }
  public mutating func clearDataType() { _dataType = nil }

  public var segment: Onnx_TensorProto.Segment {
    get { _segment?.value ?? Onnx_TensorProto.Segment() }
    set { _segment = ProtobufBox(newValue) }
  }
  public var hasSegment: Bool { _segment != nil }
  public mutating func clearSegment() { _segment = nil }

  public var floatData: [Float] = []
  public var int32Data: [Int32] = []
  public var stringData: [[UInt8]] = []
  public var int64Data: [Int64] = []
  public var name: String {
    get { _name ?? "" }
    set { _name = newValue }
  }
  public var hasName: Bool { _name != nil }
  public mutating func clearName() { _name = nil }

  public var docString: String {
    get { _docString ?? "" }
    set { _docString = newValue }
  }
  public var hasDocString: Bool { _docString != nil }
  public mutating func clearDocString() { _docString = nil }

  public var rawData: [UInt8] {
    get { _rawData ?? [] }
    set { _rawData = newValue }
  }
  public var hasRawData: Bool { _rawData != nil }
  public mutating func clearRawData() { _rawData = nil }

  public var externalData: [Onnx_StringStringEntryProto] = []
  public var dataLocation: Onnx_TensorProto.DataLocation {
    get { _dataLocation ?? Onnx_TensorProto.DataLocation() }
    set { _dataLocation = newValue }
  }
  public var hasDataLocation: Bool { _dataLocation != nil }
  public mutating func clearDataLocation() { _dataLocation = nil }

  public var doubleData: [Double] = []
  public var uint64Data: [UInt64] = []
  public var metadataProps: [Onnx_StringStringEntryProto] = []

  public init() {}

  private var _dataType: Int32?
  private var _segment: ProtobufBox<Onnx_TensorProto.Segment>?
  private var _name: String?
  private var _docString: String?
  private var _rawData: [UInt8]?
  private var _dataLocation: Onnx_TensorProto.DataLocation?

  public mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader)
    throws(ProtobufError)
  {
    switch field.number {
    case 1: try reader.read(&dims, field, "dims")
    case 2: try reader.read(&_dataType, field, "data_type")
    case 3: try reader.read(&_segment, field, "segment")
    case 4: try reader.read(&floatData, field, "float_data")
    case 5: try reader.read(&int32Data, field, "int32_data")
    case 6: try reader.read(&stringData, field, "string_data")
    case 7: try reader.read(&int64Data, field, "int64_data")
    case 8: try reader.read(&_name, field, "name")
    case 12: try reader.read(&_docString, field, "doc_string")
    case 9: try reader.read(&_rawData, field, "raw_data")
    case 13: try reader.read(&externalData, field, "external_data")
    case 14: try reader.readEnum(&_dataLocation, field, "data_location")
    case 10: try reader.read(&doubleData, field, "double_data")
    case 11: try reader.read(&uint64Data, field, "uint64_data")
    case 16: try reader.read(&metadataProps, field, "metadata_props")
    default: try reader.skip(field)
    }
  }

  public func encode(to writer: inout ProtobufWriter) {
    writer.write(1, dims, packed: false)
    writer.write(2, _dataType)
    writer.write(3, _segment)
    writer.write(4, floatData, packed: true)
    writer.write(5, int32Data, packed: true)
    writer.write(6, stringData)
    writer.write(7, int64Data, packed: true)
    writer.write(8, _name)
    writer.write(9, _rawData)
    writer.write(10, doubleData, packed: true)
    writer.write(11, uint64Data, packed: true)
    writer.write(12, _docString)
    writer.write(13, externalData)
    writer.writeEnum(14, _dataLocation)
    writer.write(16, metadataProps)
  }
}
