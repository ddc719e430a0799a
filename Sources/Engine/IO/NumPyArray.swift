/// An array in NumPy's .npy format: shape, engine element type and the elements (C order,
/// little-endian).
///
/// Reading accepts format versions 1.0, 2.0 and 3.0 and the dtypes of `NumPyDataType`, converting
/// float64, int64 and bool as it describes. Files are treated as hostile: the header is parsed by
/// a strict grammar, its length, the rank and the element count are bounded, and the payload
/// must be exactly the size the header declares before anything is allocated. Writing uses
/// version 1.0 (2.0 when the header needs it), as `np.save` does.
public struct NumPyArray: Sendable, Equatable {
  public let shape: [Int]
  public let elementType: ElementType
  /// The elements, C order, little-endian: `elementCount * elementType.byteCount` bytes.
  public let bytes: [UInt8]
  /// The dtype the file held (before any conversion); for arrays made in memory, the dtype written.
  public let storedType: NumPyDataType

  /// The longest header accepted; numpy's own `np.load` refuses more than 10,000 bytes too.
  public static let maximumHeaderBytes = 10_000

  /// An array of `shape` holding `bytes`; fails when the byte count does not match.
  public init(shape: [Int], elementType: ElementType, bytes: [UInt8]) throws(NumPyError) {
    let count = try NumPyArray.elementCount(shape, elementSize: elementType.byteCount)
    guard bytes.count == count * elementType.byteCount else {
      throw NumPyError(
        "an array of \(elementType) \(shape) needs \(count * elementType.byteCount) bytes, not \(bytes.count)"
      )
    }
    self.init(shape: shape, elementType: elementType, bytes: bytes, storedType: NumPyDataType(elementType))
  }

  /// A copy of `tensor`'s elements (its quantization, if any, is not part of the format).
  public init(_ tensor: Tensor) {
    self.init(
      shape: tensor.shape, elementType: tensor.elementType, bytes: Array(tensor.bytes),
      storedType: NumPyDataType(tensor.elementType))
  }

  private init(shape: [Int], elementType: ElementType, bytes: [UInt8], storedType: NumPyDataType) {
    self.shape = shape
    self.elementType = elementType
    self.bytes = bytes
    self.storedType = storedType
  }

  public var elementCount: Int { shape.reduce(1, *) }

  /// The array as an engine tensor; int8 and uint8 tensors need `quantization`.
  public func tensor(quantization: Quantization? = nil) throws(NumPyError) -> Tensor {
    let tensor: Tensor
    do {
      tensor = try Tensor(shape: shape, elementType: elementType, quantization: quantization)
    } catch {
      throw NumPyError("cannot make a tensor of \(elementType) \(shape): \(error)")
    }
    bytes.withUnsafeBytes { tensor.mutableBytes.copyMemory(from: $0) }
    return tensor
  }

  // MARK: - Reading

  /// Reads the .npy file at `path`.
  public init(contentsOf path: String) throws(NumPyError) {
    let file: MappedFile
    do {
      // float64/int64 files hold twice the bytes of the tensor they become.
      file = try MappedFile(
        path: path, maximumBytes: 2 * Tensor.maximumByteCount + 64 + NumPyArray.maximumHeaderBytes)
    } catch {
      throw NumPyError(error.description)
    }
    try self.init(decoding: UnsafeRawBufferPointer(file.bytes), source: path)
  }

  /// Parses the bytes of a .npy file; `source` names it in errors.
  public init(decoding file: UnsafeRawBufferPointer, source: String) throws(NumPyError) {
    let (header, dataStart) = try NumPyHeader.parse(file, source: source)
    let type = header.dataType
    let count: Int
    do {
      count = try NumPyArray.elementCount(header.shape, elementSize: type.elementType.byteCount)
    } catch {
      throw NumPyError("\(source): \(error.description)")
    }
    let payload = file.count - dataStart
    guard payload == count * type.byteCount else {
      throw NumPyError(
        "\(source): shape \(header.shape) of \(type.rawValue) needs \(count * type.byteCount) data bytes; the file has \(payload)"
      )
    }
    let data = UnsafeRawBufferPointer(rebasing: file[dataStart...])
    let bytes: [UInt8]
    switch type {
    case .float32, .int8, .uint8, .int32:
      bytes = Array(data)
    case .bool:
      bytes = data.map { $0 == 0 ? 0 : 1 }
    case .float64:
      var converted = [UInt8](repeating: 0, count: count * 4)
      converted.withUnsafeMutableBytes { output in
        for index in 0..<count {
          let bits = UInt64(littleEndian: data.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
          let single = Float(Double(bitPattern: bits))
          output.storeBytes(of: single.bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
        }
      }
      bytes = converted
    case .int64:
      var converted = [UInt8](repeating: 0, count: count * 4)
      let outOfRange: (index: Int, value: Int64)? = converted.withUnsafeMutableBytes { output in
        for index in 0..<count {
          let value = Int64(littleEndian: data.loadUnaligned(fromByteOffset: index * 8, as: Int64.self))
          guard let narrow = Int32(exactly: value) else { return (index, value) }
          output.storeBytes(of: narrow.littleEndian, toByteOffset: index * 4, as: Int32.self)
        }
        return nil
      }
      if let outOfRange {
        throw NumPyError(
          "\(source): int64 element \(outOfRange.index) is \(outOfRange.value), outside the int32 range the engine holds"
        )
      }
      bytes = converted
    }
    self.init(shape: header.shape, elementType: type.elementType, bytes: bytes, storedType: type)
  }

  // MARK: - Writing

  /// The bytes of a .npy file holding this array.
  public func encoded() -> [UInt8] {
    NumPyHeader(dataType: NumPyDataType(elementType), shape: shape).encoded() + bytes
  }

  /// Writes this array as a .npy file at `path`, atomically (see `DurableFile`).
  public func write(to path: String) throws(NumPyError) {
    do {
      try DurableFile.write(encoded(), to: path)
    } catch {
      throw NumPyError(error.description)
    }
  }

  /// Elements of `shape`, refusing negative dimensions, ranks above `Graph.maximumRank` and sizes
  /// (at `elementSize` bytes each) above `Tensor.maximumByteCount`.
  static func elementCount(_ shape: [Int], elementSize: Int) throws(NumPyError) -> Int {
    guard shape.count <= Graph.maximumRank else {
      throw NumPyError("shape \(shape) has more than \(Graph.maximumRank) dimensions, the engine's limit")
    }
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { throw NumPyError("shape \(shape) has a negative dimension") }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= Tensor.maximumByteCount / elementSize else {
        throw NumPyError("shape \(shape) exceeds the \(Tensor.maximumByteCount)-byte tensor limit")
      }
      count = product
    }
    return count
  }
}
