import FoundationEssentials

/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and byte range, then the raw little-endian data.
///
/// Hiyari pads the header with spaces so the data starts 64-byte aligned and writes 4-byte
/// element types before 1-byte ones, so memory-mapped weights are aligned for their type, while
/// staying a file any safetensors reader (PyTorch, PEFT) accepts.
public enum SafeTensors {
  /// One tensor's place in a file.
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var elementType: ElementType
    public var shape: [Int]
    /// Byte range within the data section.
    public var range: Range<Int>
  }

  /// Limits that keep a hostile file from costing memory or time.
  public static let maximumHeaderBytes = 16 << 20
  public static let maximumTensors = 100_000

  static func dtypeName(_ type: ElementType) -> String {
    switch type {
    case .float32: "F32"
    case .int8: "I8"
    case .uint8: "U8"
    case .int32: "I32"
    }
  }

  static func elementType(_ dtype: String) -> ElementType? {
    switch dtype {
    case "F32": .float32
    case "I8": .int8
    case "U8": .uint8
    case "I32": .int32
    default: nil
    }
  }

  /// Serialises named tensors (and string metadata) into safetensors bytes.
  public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:])
    -> [UInt8]
  {
    let ordered = tensors.sorted {
      ($1.tensor.elementType.byteCount, $0.name) < ($0.tensor.elementType.byteCount, $1.name)
    }
    var entries: [String] = []
    var offset = 0
    for (name, tensor) in ordered {
      let shape = tensor.shape.map(String.init).joined(separator: ",")
      entries.append(
        "\(jsonString(name)):{\"dtype\":\"\(dtypeName(tensor.elementType))\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + tensor.byteCount)]}"
      )
      offset += tensor.byteCount
    }
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
      entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
    }
    var header = Array("{\(entries.joined(separator: ","))}".utf8)
    while (8 + header.count) % 64 != 0 { header.append(0x20) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(8 + header.count + offset)
    let length = UInt64(header.count)
    for shift in stride(from: 0, to: 64, by: 8) {
      bytes.append(UInt8(truncatingIfNeeded: length >> UInt64(shift)))
    }
    bytes += header
    for (_, tensor) in ordered { bytes += tensor.bytes }
    return bytes
  }

  /// Parses and validates the header of `file`: every range lies inside the data, matches its
  /// dtype and shape, and no two ranges overlap.
  public static func entries(in file: UnsafeRawBufferPointer, source: String) throws(GraphError) -> (
    entries: [Entry], metadata: [String: String], dataStart: Int
  ) {
    guard file.count >= 8 else { throw GraphError("\(source): too short for a safetensors file") }
    var headerLength = 0
    for index in 0..<8 { headerLength |= Int(file[index]) << (8 * index) }
    guard headerLength >= 2, headerLength <= maximumHeaderBytes, headerLength <= file.count - 8 else {
      throw GraphError(
        "\(source): safetensors header length \(headerLength) does not fit the \(file.count)-byte file")
    }
    let header = Data(UnsafeRawBufferPointer(rebasing: file[8..<(8 + headerLength)]))
    let decoded: [String: HeaderValue]
    do {
      decoded = try JSONDecoder().decode([String: HeaderValue].self, from: header)
    } catch {
      throw GraphError("\(source): safetensors header is not valid JSON of the expected shape")
    }
    guard decoded.count <= maximumTensors + 1 else {
      throw GraphError("\(source): more than \(maximumTensors) tensors")
    }
    let dataStart = 8 + headerLength
    let dataBytes = file.count - dataStart
    var metadata: [String: String] = [:]
    var entries: [Entry] = []
    for (name, value) in decoded {
      switch value {
      case .metadata(let values):
        guard name == "__metadata__" else {
          throw GraphError("\(source): \(name) is not a tensor description")
        }
        metadata = values
      case .tensor(let dtype, let shape, let offsets):
        guard let type = elementType(dtype) else {
          throw GraphError("\(source): tensor \(name) has unsupported dtype \(dtype)")
        }
        guard shape.count <= Graph.maximumRank, shape.allSatisfy({ $0 >= 0 }), offsets.count == 2 else {
          throw GraphError("\(source): tensor \(name) has an invalid shape or offsets")
        }
        var elements = 1
        for dimension in shape {
          let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
          guard !overflow, product <= Tensor.maximumByteCount else {
            throw GraphError("\(source): tensor \(name) shape \(shape) is too large")
          }
          elements = product
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end, end <= dataBytes, end - begin == elements * type.byteCount else {
          throw GraphError(
            "\(source): tensor \(name) byte range \(begin)..<\(end) does not match \(dtype) \(shape) within \(dataBytes) data bytes"
          )
        }
        entries.append(Entry(name: name, elementType: type, shape: shape, range: begin..<end))
      }
    }
    let sorted = entries.sorted { $0.range.lowerBound < $1.range.lowerBound }
    for (previous, next) in zip(sorted, sorted.dropFirst())
    where next.range.lowerBound < previous.range.upperBound {
      throw GraphError("\(source): tensors \(previous.name) and \(next.name) overlap")
    }
    return (sorted, metadata, dataStart)
  }

  /// A header value: a tensor description, or the string map under "__metadata__".
  enum HeaderValue: Decodable {
    case tensor(dtype: String, shape: [Int], offsets: [Int])
    case metadata([String: String])

    private enum Keys: String, CodingKey { case dtype, shape, data_offsets }

    init(from decoder: any Decoder) throws {
      if let container = try? decoder.container(keyedBy: Keys.self), container.contains(.dtype) {
        self = .tensor(
          dtype: try container.decode(String.self, forKey: .dtype),
          shape: try container.decode([Int].self, forKey: .shape),
          offsets: try container.decode([Int].self, forKey: .data_offsets))
      } else {
        self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
      }
    }
  }

  /// A JSON string literal.
  static func jsonString(_ text: String) -> String {
    var result = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result += "\\\""
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\r": result += "\\r"
      case "\t": result += "\\t"
      case _ where scalar.value < 0x20:
        let hex = String(scalar.value, radix: 16)
        result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result + "\""
  }
}
