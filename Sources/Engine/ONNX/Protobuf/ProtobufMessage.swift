/// A message of the protobuf binary format: decodes itself field by field from a
/// `ProtobufReader` and encodes itself, fields in ascending number order, into a
/// `ProtobufWriter`.
///
/// Decoding follows protobuf's rules: a field that appears again replaces a scalar, appends to a
/// repeated field and merges into a message; repeated scalars are read packed or unpacked;
/// unknown fields, fields of an unexpected wire type and unknown enum values are skipped (and not
/// kept: re-encoding drops them).
public protocol ProtobufMessage: Equatable, Sendable {
  /// The message type's full protobuf name, for error messages ("onnx.ModelProto").
  static var protobufName: String { get }

  init()

  /// Decodes one field whose tag the reader has just read; skips it if it is unknown.
  mutating func decodeField(_ field: ProtobufField, from reader: inout ProtobufReader) throws(ProtobufError)

  /// Appends every set field.
  func encode(to writer: inout ProtobufWriter)
}

extension ProtobufMessage {
  /// Decodes a message from `bytes`, refusing malformed input with an error (never trapping).
  public init(serializedBytes bytes: [UInt8], maximumDepth: Int = ProtobufReader.defaultMaximumDepth)
    throws(ProtobufError)
  {
    var message = Self()
    var failure: ProtobufError?
    bytes.withUnsafeBytes { buffer in
      var reader = ProtobufReader(buffer, maximumDepth: maximumDepth)
      do throws(ProtobufError) {
        try message.merge(from: &reader)
      } catch {
        failure = error.inside(Self.protobufName)
      }
    }
    if let failure { throw failure }
    self = message
  }

  /// Decodes fields from `reader` until its end, merging them into this message.
  public mutating func merge(from reader: inout ProtobufReader) throws(ProtobufError) {
    while let field = try reader.nextField() {
      try decodeField(field, from: &reader)
    }
  }

  /// The message in protobuf's binary format.
  public func serializedBytes() -> [UInt8] {
    var writer = ProtobufWriter()
    encode(to: &writer)
    return writer.bytes
  }
}
