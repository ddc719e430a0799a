/// A dense tensor that owns 64-byte aligned storage.
///
/// Storage is allocated once and reused: producers write into `mutableBytes` in place, so a
/// steady-state pipeline allocates nothing per frame.
// Safety: the storage is never reallocated; concurrent writers must coordinate, as with any
// buffer. Constant tensors (weights) are written once before they are shared.
public final class Tensor: @unchecked Sendable {
  public let shape: [Int]
  public let elementType: ElementType
  public let layout: TensorLayout
  public let quantization: Quantization?
  public let elementCount: Int
  private let storage: UnsafeMutableRawPointer
  /// Keeps borrowed storage (a memory-mapped weights file) alive; nil when the tensor owns it.
  private let owner: AnyObject?

  /// Allocates a zero-filled tensor; fails on a negative dimension or a size that overflows.
  public init(
    shape: [Int], elementType: ElementType, layout: TensorLayout = .nchw,
    quantization: Quantization? = nil
  ) throws(TensorError) {
    var count = 1
    for dimension in shape {
      guard dimension >= 0 else { throw .invalidShape(shape) }
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow else { throw .invalidShape(shape) }
      count = product
    }
    let (bytes, overflow) = count.multipliedReportingOverflow(by: elementType.byteCount)
    guard !overflow, bytes <= Tensor.maximumByteCount else { throw .tooLarge(bytes: bytes) }
    if elementType.isQuantized, quantization == nil { throw .missingQuantization }
    self.shape = shape
    self.elementType = elementType
    self.layout = layout
    self.quantization = quantization
    self.elementCount = count
    self.storage = UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 1), alignment: 64)
    storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(bytes, 1))
    self.owner = nil
  }

  /// A tensor over memory someone else owns (e.g. a mapped file); `owner` is kept alive with it.
  /// The caller has checked that `byteCount` bytes are readable at `data`.
  public init(
    shape: [Int], elementType: ElementType, quantization: Quantization? = nil,
    borrowing data: UnsafeMutableRawPointer, owner: AnyObject
  ) {
    self.shape = shape
    self.elementType = elementType
    self.layout = .nchw
    self.quantization = quantization
    self.elementCount = shape.reduce(1, *)
    self.storage = data
    self.owner = owner
  }

  deinit { if owner == nil { storage.deallocate() } }

  /// The largest tensor this runtime will allocate (guards hostile shapes).
  public static let maximumByteCount = 1 << 32

  public var byteCount: Int { elementCount * elementType.byteCount }

  /// The raw bytes, read-only.
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: storage, count: byteCount) }

  /// The raw bytes, for producers that fill the tensor in place.
  public var mutableBytes: UnsafeMutableRawBufferPointer {
    UnsafeMutableRawBufferPointer(start: storage, count: byteCount)
  }

  /// Typed read access; `type` must match `elementType`'s size.
  public func withElements<T, R>(as type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R)
    rethrows -> R
  {
    precondition(MemoryLayout<T>.stride == elementType.byteCount, "element type mismatch")
    return try body(UnsafeBufferPointer(start: storage.assumingMemoryBound(to: T.self), count: elementCount))
  }

  /// Typed write access; `type` must match `elementType`'s size.
  public func withMutableElements<T, R>(
    as type: T.Type, _ body: (UnsafeMutableBufferPointer<T>) throws -> R
  ) rethrows -> R {
    precondition(MemoryLayout<T>.stride == elementType.byteCount, "element type mismatch")
    return try body(
      UnsafeMutableBufferPointer(start: storage.assumingMemoryBound(to: T.self), count: elementCount))
  }
}
