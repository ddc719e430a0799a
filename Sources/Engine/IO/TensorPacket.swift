/// The compact byte form of a set of named tensors, for crossing tensors sent between the head and
/// the tail of a cut (and anything else that moves tensors between processes). Quantized tensors
/// travel as their int8/uint8 codes with their scale and zero point, 1 byte per element; float32 as
/// 4 bytes. All integers are little-endian.
///
///     "HYTP"  version u8 (2)  count u16
///     per tensor:
///       name length u16, name UTF-8
///       element type u8 (0 float32, 1 int8, 2 uint8, 3 int32), rank u8, dimensions u32 x rank
///       quantization: scale count u16 (0 = none), axis i8 (-1 = per tensor),
///                     scales f32 x count, zero points i32 x count
///       encoding u8: 0 raw, then the data (element count x element size bytes);
///                    1 predicted and deflated (8-bit tensors: `PlanePrediction` residuals as a
///                      raw deflate stream), then its length u32 and the stream
///
/// Version 1 packets (no encoding byte, data raw) are still read. Compression is lossless and
/// meant for camera frames (a cloud-only upload): intermediate activations barely compress and
/// cost the device time, so they travel raw.
///
/// Decoding takes bytes from the network: every count, size and shape is checked against the
/// limits and the bytes that remain before anything is allocated, a deflate stream must inflate to
/// exactly the tensor's size (never more is allocated), and any malformed packet is a
/// `GraphError`, never a crash.
public enum TensorPacket {
  static let magic: [UInt8] = Array("HYTP".utf8)
  static let version: UInt8 = 2

  /// Limits a decoder enforces; the defaults fit any tensor the engine itself can hold.
  public struct Limits: Sendable {
    public var maximumTensors = 256
    public var maximumNameBytes = 1024
    /// The most bytes of a packet, and the most bytes its tensors may hold once decoded (a
    /// compressed packet inflates: this bounds what a small hostile one can make us allocate).
    public var maximumBytes = 1 << 30
    public init() {}
  }

  /// The bytes of `tensors`, in the given order; the 8-bit tensors named in `compressing` are
  /// predicted and deflated (others named there travel raw).
  public static func encode(
    _ tensors: [(name: String, tensor: Tensor)], compressing: Set<String> = []
  ) throws(GraphError) -> [UInt8] {
    guard tensors.count <= Int(UInt16.max) else { throw GraphError("too many tensors for one packet") }
    var out = magic
    out.append(version)
    append(UInt16(tensors.count), to: &out)
    for (name, tensor) in tensors {
      let utf8 = Array(name.utf8)
      guard utf8.count <= Int(UInt16.max), tensor.shape.count <= Graph.maximumRank else {
        throw GraphError("tensor \(name) cannot be packed (name or rank too large)")
      }
      append(UInt16(utf8.count), to: &out)
      out += utf8
      out.append(code(of: tensor.elementType))
      out.append(UInt8(tensor.shape.count))
      for dimension in tensor.shape {
        guard dimension >= 0, dimension <= Int(UInt32.max) else {
          throw GraphError("tensor \(name) has dimension \(dimension), beyond a packet's range")
        }
        append(UInt32(dimension), to: &out)
      }
      let quantization = tensor.elementType.isQuantized ? tensor.quantization : nil
      let scales = quantization?.scales ?? []
      append(UInt16(scales.count), to: &out)
      out.append(UInt8(bitPattern: Int8(quantization?.axis ?? -1)))
      for scale in scales { append(scale.bitPattern, to: &out) }
      for zero in quantization?.zeroPoints ?? [] { append(UInt32(bitPattern: zero), to: &out) }
      if compressing.contains(name), tensor.elementType.byteCount == 1, tensor.elementCount > 0 {
        let residuals = PlanePrediction.residuals(
          tensor.bytes, shape: tensor.shape, signed: tensor.elementType == .int8)
        let stream = residuals.withUnsafeBytes { Zlib.deflateRaw($0) }
        guard stream.count <= Int(UInt32.max) else { throw GraphError("tensor \(name) is too large to pack") }
        out.append(1)
        append(UInt32(stream.count), to: &out)
        out += stream
      } else {
        out.append(0)
        out += tensor.bytes
      }
    }
    return out
  }

  /// The tensors in `bytes`, in packet order.
  public static func decode(_ bytes: [UInt8], limits: Limits = Limits()) throws(GraphError) -> [(
    name: String, tensor: Tensor
  )] {
    guard bytes.count <= limits.maximumBytes else {
      throw GraphError("tensor packet of \(bytes.count) bytes exceeds the limit of \(limits.maximumBytes)")
    }
    var reader = Reader(bytes: bytes)
    guard Array(try reader.take(4)) == magic else { throw GraphError("not a tensor packet (bad magic)") }
    let packetVersion = try reader.u8()
    guard packetVersion == version || packetVersion == 1 else {
      throw GraphError("tensor packet version \(packetVersion) is not supported")
    }
    let count = Int(try reader.u16())
    guard count <= limits.maximumTensors else {
      throw GraphError("tensor packet holds \(count) tensors; the limit is \(limits.maximumTensors)")
    }
    var result: [(name: String, tensor: Tensor)] = []
    var names = Set<String>()
    var decodedBytes = 0
    for _ in 0..<count {
      let nameLength = Int(try reader.u16())
      guard nameLength <= limits.maximumNameBytes else {
        throw GraphError("tensor name of \(nameLength) bytes is too long")
      }
      guard let name = String(validating: try reader.take(nameLength), as: UTF8.self),
        names.insert(name).inserted
      else {
        throw GraphError("tensor packet has an invalid or repeated tensor name")
      }
      let type = try elementType(try reader.u8(), name)
      let rank = Int(try reader.u8())
      guard rank <= Graph.maximumRank else {
        throw GraphError("tensor \(name) has rank \(rank); the limit is \(Graph.maximumRank)")
      }
      var shape: [Int] = []
      var elements = 1
      for _ in 0..<rank {
        let dimension = Int(try reader.u32())
        let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
        guard !overflow, product <= limits.maximumBytes else {
          throw GraphError("tensor \(name) is too large")
        }
        elements = product
        shape.append(dimension)
      }
      let scaleCount = Int(try reader.u16())
      let axisByte = Int8(bitPattern: try reader.u8())
      guard scaleCount == 0 || type.isQuantized else {
        throw GraphError("tensor \(name) is \(type) but carries quantization parameters")
      }
      guard scaleCount <= max(shape.max() ?? 1, 1) else {
        throw GraphError("tensor \(name) has \(scaleCount) scales for shape \(shape)")
      }
      var scales: [Float] = []
      for _ in 0..<scaleCount { scales.append(Float(bitPattern: try reader.u32())) }
      var zeros: [Int32] = []
      for _ in 0..<scaleCount { zeros.append(Int32(bitPattern: try reader.u32())) }
      let dataBytes = elements * type.byteCount
      decodedBytes += dataBytes
      guard decodedBytes <= limits.maximumBytes else {
        throw GraphError("the packet's tensors hold more than the limit of \(limits.maximumBytes) bytes")
      }
      let encoding = packetVersion == 1 ? 0 : try reader.u8()
      var streamBytes = 0
      switch encoding {
      case 0:
        guard dataBytes <= reader.remaining else {
          throw GraphError(
            "tensor \(name) needs \(dataBytes) bytes of data; the packet has \(reader.remaining) left")
        }
      case 1:
        guard type.byteCount == 1 else {
          throw GraphError("tensor \(name) is \(type), which is never compressed")
        }
        streamBytes = Int(try reader.u32())
        guard streamBytes <= reader.remaining else {
          throw GraphError(
            "tensor \(name) has \(streamBytes) compressed bytes; the packet has \(reader.remaining) left")
        }
        // Deflate expands at most about 1032:1: a larger claim is a bomb, refused before inflating.
        guard dataBytes <= streamBytes * 1032 + 64 else {
          throw GraphError("tensor \(name) claims \(dataBytes) bytes from \(streamBytes) compressed bytes")
        }
      default:
        throw GraphError("tensor \(name) has unknown encoding \(encoding)")
      }
      var quantization: Quantization?
      if scaleCount > 0 {
        guard scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
          throw GraphError("tensor \(name) has an invalid scale")
        }
        let (low, high): (Int32, Int32) = type == .int8 ? (-128, 127) : (0, 255)
        guard zeros.allSatisfy({ $0 >= low && $0 <= high }) else {
          throw GraphError("tensor \(name) has an invalid zero point")
        }
        if axisByte < 0 {
          guard scaleCount == 1 else {
            throw GraphError("tensor \(name) has \(scaleCount) scales but no axis")
          }
          quantization = Quantization(scale: scales[0], zeroPoint: zeros[0])
        } else {
          let axis = Int(axisByte)
          guard axis < rank, shape[axis] == scaleCount else {
            throw GraphError("tensor \(name) has \(scaleCount) scales for axis \(axis) of shape \(shape)")
          }
          quantization = Quantization(scales: scales, zeroPoints: zeros, axis: axis)
        }
      }
      let tensor: Tensor
      do {
        tensor = try Tensor(shape: shape, elementType: type, quantization: quantization)
      } catch {
        throw GraphError("tensor \(name): \(error)")
      }
      if encoding == 1 {
        let stream = try reader.take(streamBytes)
        let inflated = stream.withUnsafeBytes { Zlib.inflateRaw($0, count: dataBytes) }
        switch inflated {
        case .success(let residuals):
          residuals.withUnsafeBytes { tensor.mutableBytes.copyMemory(from: $0) }
          PlanePrediction.restore(tensor.mutableBytes, shape: shape, signed: type == .int8)
        case .failure(let error):
          throw GraphError("tensor \(name): \(error.description)")
        }
      } else {
        let data = try reader.take(dataBytes)
        data.withUnsafeBytes { tensor.mutableBytes.copyMemory(from: $0) }
      }
      result.append((name, tensor))
    }
    guard reader.remaining == 0 else {
      throw GraphError("tensor packet has \(reader.remaining) bytes after its last tensor")
    }
    return result
  }

  static func code(of type: ElementType) -> UInt8 {
    switch type {
    case .float32: 0
    case .int8: 1
    case .uint8: 2
    case .int32: 3
    }
  }

  static func elementType(_ code: UInt8, _ name: String) throws(GraphError) -> ElementType {
    switch code {
    case 0: .float32
    case 1: .int8
    case 2: .uint8
    case 3: .int32
    default: throw GraphError("tensor \(name) has unknown element type code \(code)")
    }
  }

  static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    withUnsafeBytes(of: value.littleEndian) { out += $0 }
  }

  /// Bounds-checked reading of a packet.
  struct Reader {
    let bytes: [UInt8]
    var offset = 0
    var remaining: Int { bytes.count - offset }

    mutating func take(_ count: Int) throws(GraphError) -> ArraySlice<UInt8> {
      guard count >= 0, count <= remaining else { throw GraphError("tensor packet is truncated") }
      defer { offset += count }
      return bytes[offset..<offset + count]
    }

    mutating func u8() throws(GraphError) -> UInt8 { try take(1).first! }

    mutating func u16() throws(GraphError) -> UInt16 {
      let b = try take(2)
      return UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8
    }

    mutating func u32() throws(GraphError) -> UInt32 {
      let b = try take(4)
      var value: UInt32 = 0
      for (shift, byte) in b.enumerated() { value |= UInt32(byte) << (8 * UInt32(shift)) }
      return value
    }
  }
}
