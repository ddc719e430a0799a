/// A named tensor's static description: element type, shape and (for int8/uint8) quantization.
public struct TensorInfo: Sendable, Hashable, Codable {
  public var name: String
  public var elementType: ElementType
  public var shape: [Int]
  public var quantization: Quantization?

  public init(name: String, elementType: ElementType, shape: [Int], quantization: Quantization? = nil) {
    self.name = name
    self.elementType = elementType
    self.shape = shape
    self.quantization = quantization
  }

  /// Elements in the tensor (shapes are validated non-negative before use).
  public var elementCount: Int { shape.reduce(1, *) }
  public var byteCount: Int { elementCount * elementType.byteCount }
}
