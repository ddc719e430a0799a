/// The header of a .npy file: the magic string, the format version, and a Python dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }` padded with spaces and a newline.
///
/// The dict is parsed by a small strict grammar rather than evaluated: exactly the three keys,
/// string/bool/tuple-of-int values, numpy's spacing and trailing commas, nothing else.
struct NumPyHeader: Equatable {
  var dataType: NumPyDataType
  var shape: [Int]

  static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
  /// numpy aligns the data to 64 bytes (ARRAY_ALIGN), so arrays can be memory-mapped.
  static let alignment = 64

  /// Parses the header at the start of `file`; returns it and the offset where the data starts.
  static func parse(_ file: UnsafeRawBufferPointer, source: String) throws(NumPyError) -> (
    header: NumPyHeader, dataStart: Int
  ) {
    guard file.count >= 10, file.prefix(6).elementsEqual(magic) else {
      throw NumPyError("\(source): not a .npy file (the magic string \\x93NUMPY is missing)")
    }
    let major = file[6]
    let minor = file[7]
    let lengthBytes: Int
    switch (major, minor) {
    case (1, 0): lengthBytes = 2
    case (2, 0), (3, 0): lengthBytes = 4
    default:
      throw NumPyError(
        "\(source): .npy format version \(major).\(minor) is not supported (1.0, 2.0, 3.0 are)")
    }
    guard file.count >= 8 + lengthBytes else { throw NumPyError("\(source): truncated in the header length") }
    var length = 0
    for index in 0..<lengthBytes { length |= Int(file[8 + index]) << (8 * index) }
    guard length <= NumPyArray.maximumHeaderBytes else {
      throw NumPyError(
        "\(source): header of \(length) bytes exceeds the \(NumPyArray.maximumHeaderBytes)-byte limit")
    }
    let dataStart = 8 + lengthBytes + length
    guard dataStart <= file.count else {
      throw NumPyError("\(source): truncated: the header says \(length) bytes, the file ends before")
    }
    let text = Array(file[(8 + lengthBytes)..<dataStart])
    do {
      return (try parseDictionary(text), dataStart)
    } catch {
      throw NumPyError("\(source): \(error.description)")
    }
  }

  /// The header dict, padded so the data starts aligned: version 1.0 when the length fits in
  /// 16 bits, else 2.0.
  func encoded() -> [UInt8] {
    let dimensions = shape.map(String.init).joined(separator: ", ")
    let tuple = shape.count == 1 ? "(\(dimensions),)" : "(\(dimensions))"
    let dictionary = Array(
      "{'descr': '\(dataType.rawValue)', 'fortran_order': False, 'shape': \(tuple), }".utf8)
    for lengthBytes in [2, 4] {
      let prefix = 8 + lengthBytes
      let padded =
        (prefix + dictionary.count + 1 + NumPyHeader.alignment - 1) / NumPyHeader.alignment
        * NumPyHeader.alignment
      let length = padded - prefix
      if lengthBytes == 2 && length > 0xFFFF { continue }
      var bytes = NumPyHeader.magic + [lengthBytes == 2 ? 1 : 2, 0]
      for index in 0..<lengthBytes { bytes.append(UInt8(truncatingIfNeeded: length >> (8 * index))) }
      bytes += dictionary
      bytes += [UInt8](repeating: 0x20, count: length - dictionary.count - 1)
      bytes.append(0x0A)
      return bytes
    }
    preconditionFailure("a header longer than 4 GiB")
  }

  // MARK: - The dict grammar

  private enum Value {
    case string(String)
    case bool(Bool)
    case tuple([Int])
  }

  private struct Cursor {
    let bytes: [UInt8]
    var position = 0

    var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpace() {
      while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    /// Consumes `byte` (after spaces) if it is next.
    mutating func take(_ byte: UInt8) -> Bool {
      skipSpace()
      guard current == byte else { return false }
      position += 1
      return true
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(NumPyError) {
      guard take(byte) else { throw failure("expected \(what)") }
    }

    func failure(_ what: String) -> NumPyError {
      let found = current.map { "'\(String(decoding: [$0], as: UTF8.self))'" } ?? "the end"
      return NumPyError("malformed header: \(what) at byte \(position), found \(found)")
    }

    mutating func string() throws(NumPyError) -> String {
      skipSpace()
      guard let quote = current, quote == 0x27 || quote == 0x22 else {
        throw failure("expected a quoted string")
      }
      position += 1
      let start = position
      while let byte = current, byte != quote {
        guard byte != 0x5C, byte >= 0x20, byte < 0x7F else {
          throw failure("unexpected character in a string")
        }
        position += 1
      }
      guard current == quote else { throw failure("unterminated string") }
      defer { position += 1 }
      return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func integer() throws(NumPyError) -> Int {
      skipSpace()
      var value = 0
      var digits = 0
      while let byte = current, (0x30...0x39).contains(byte) {
        let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
        let (sum, overflow2) = times.addingReportingOverflow(Int(byte - 0x30))
        guard !overflow1, !overflow2 else { throw failure("dimension too large") }
        value = sum
        digits += 1
        position += 1
      }
      guard digits > 0 else { throw failure("expected a non-negative integer") }
      return value
    }

    mutating func word(_ text: String) -> Bool {
      let word = Array(text.utf8)
      guard position + word.count <= bytes.count, Array(bytes[position..<(position + word.count)]) == word
      else { return false }
      position += word.count
      return true
    }

    mutating func value() throws(NumPyError) -> Value {
      skipSpace()
      switch current {
      case 0x27, 0x22: return .string(try string())
      case 0x28:
        position += 1
        var items: [Int] = []
        var trailingComma = false
        while !take(0x29) {
          guard items.count < Graph.maximumRank else {
            throw NumPyError("shape has more than \(Graph.maximumRank) dimensions, the engine's limit")
          }
          items.append(try integer())
          trailingComma = take(0x2C)
          guard trailingComma || current == 0x29 else { throw failure("expected ',' or ')' in the shape") }
        }
        // (3) is the number 3 in Python, not a tuple: numpy would refuse it too.
        guard items.count != 1 || trailingComma else {
          throw failure("a one-element shape needs a trailing comma")
        }
        return .tuple(items)
      case 0x5B: throw NumPyError("structured dtypes (a list of fields) are not supported")
      default:
        if word("True") { return .bool(true) }
        if word("False") { return .bool(false) }
        throw failure("expected a string, True, False or a tuple")
      }
    }
  }

  private static func parseDictionary(_ text: [UInt8]) throws(NumPyError) -> NumPyHeader {
    var cursor = Cursor(bytes: text)
    try cursor.expect(0x7B, "'{'")
    var entries: [String: Value] = [:]
    while !cursor.take(0x7D) {
      let key = try cursor.string()
      try cursor.expect(0x3A, "':'")
      guard ["descr", "fortran_order", "shape"].contains(key) else {
        throw NumPyError("malformed header: unexpected key '\(key)'")
      }
      guard entries.updateValue(try cursor.value(), forKey: key) == nil else {
        throw NumPyError("malformed header: key '\(key)' appears twice")
      }
      guard cursor.take(0x2C) || cursor.current == 0x7D else { throw cursor.failure("expected ',' or '}'") }
    }
    cursor.skipSpace()
    guard cursor.current == nil else { throw cursor.failure("unexpected text after the dict") }
    guard case .string(let descriptor) = entries["descr"] else {
      throw NumPyError("malformed header: 'descr' is missing or not a string")
    }
    guard case .bool(let fortranOrder) = entries["fortran_order"] else {
      throw NumPyError("malformed header: 'fortran_order' is missing or not True/False")
    }
    guard case .tuple(let shape) = entries["shape"] else {
      throw NumPyError("malformed header: 'shape' is missing or not a tuple of integers")
    }
    let dataType = try NumPyDataType(descriptor: descriptor)
    guard !fortranOrder else {
      throw NumPyError(
        "the array is in Fortran (column-major) order; save it C-ordered (np.ascontiguousarray) instead")
    }
    return NumPyHeader(dataType: dataType, shape: shape)
  }
}
