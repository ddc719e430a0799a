/// A NumPy dtype Hiyari reads from .npy files, with the engine element type it becomes.
///
/// float32, int8, uint8 and int32 map directly; float64 and int64 are converted on reading (to
/// float32, and to int32 when every value fits); bool becomes uint8 0/1.
public enum NumPyDataType: String, Sendable, Hashable, CaseIterable {
  case float32 = "<f4"
  case float64 = "<f8"
  case int8 = "|i1"
  case uint8 = "|u1"
  case int32 = "<i4"
  case int64 = "<i8"
  case bool = "|b1"

  /// Bytes per element in the file.
  public var byteCount: Int {
    switch self {
    case .int8, .uint8, .bool: 1
    case .float32, .int32: 4
    case .float64, .int64: 8
    }
  }

  /// The engine type the values are read as.
  public var elementType: ElementType {
    switch self {
    case .float32, .float64: .float32
    case .int8: .int8
    case .uint8, .bool: .uint8
    case .int32, .int64: .int32
    }
  }

  /// The dtype Hiyari writes for an engine element type.
  public init(_ elementType: ElementType) {
    switch elementType {
    case .float32: self = .float32
    case .int8: self = .int8
    case .uint8: self = .uint8
    case .int32: self = .int32
    }
  }

  /// Parses a dtype descriptor ("<f4", "|u1", ...). One-byte types accept any byte-order mark,
  /// as byte order means nothing for them; wider types must be little-endian ('<').
  public init(descriptor: String) throws(NumPyError) {
    let characters = Array(descriptor.utf8)
    guard characters.count >= 2, let order = characters.first, "<>|=".utf8.contains(order) else {
      throw NumPyError("dtype '\(descriptor)' is not a NumPy array-protocol type string")
    }
    let kind = String(decoding: characters.dropFirst(), as: UTF8.self)
    if kind == "O" {
      throw NumPyError("dtype '\(descriptor)' is an object array (pickled Python objects), which is refused")
    }
    let match = NumPyDataType.allCases.first { String($0.rawValue.dropFirst()) == kind }
    guard let match else {
      throw NumPyError(
        "dtype '\(descriptor)' is not supported (supported: \(NumPyDataType.allCases.map(\.rawValue).joined(separator: ", ")))"
      )
    }
    if match.byteCount > 1 {
      if order == UInt8(ascii: ">") {
        throw NumPyError("dtype '\(descriptor)' is big-endian; only little-endian arrays are supported")
      }
      guard order == UInt8(ascii: "<") else {
        throw NumPyError("dtype '\(descriptor)' does not say its byte order ('<' little-endian expected)")
      }
    }
    self = match
  }
}
