/// Why a tensor could not be made.
public enum TensorError: Error, Equatable, CustomStringConvertible {
  case invalidShape([Int])
  case tooLarge(bytes: Int)
  case missingQuantization

  public var description: String {
    switch self {
    case .invalidShape(let shape): "invalid tensor shape \(shape)"
    case .tooLarge(let bytes): "tensor of \(bytes) bytes exceeds the \(Tensor.maximumByteCount)-byte limit"
    case .missingQuantization: "an int8/uint8 tensor needs a scale and zero point"
    }
  }
}
