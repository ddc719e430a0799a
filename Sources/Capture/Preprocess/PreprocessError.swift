import Engine

/// Why a preprocessing spec, frame or output tensor was refused.
public enum PreprocessError: Error, Equatable, CustomStringConvertible {
  /// The requested model input size is out of range.
  case invalidOutputSize(width: Int, height: Int)
  /// The normalization's means or stds are unusable.
  case invalidNormalization(String)
  /// The quantized encoding's type, scales or zero points are unusable.
  case invalidQuantization(String)
  /// Frames of this pixel format cannot be preprocessed (compressed frames must be decoded first).
  case unsupportedFormat(PixelFormat)
  /// The frame's size or planes do not hold the pixels its format and size promise.
  case invalidFrame(String)
  /// The output tensor's shape, element type, layout or quantization differ from the spec's.
  case tensorMismatch(String)
  /// The output tensor could not be allocated.
  case tensorAllocation(TensorError)

  public var description: String {
    switch self {
    case .invalidOutputSize(let width, let height):
      "model input size \(width)x\(height) is out of range 1...\(PreprocessSpec.maximumDimension)"
    case .invalidNormalization(let reason): "invalid normalization: \(reason)"
    case .invalidQuantization(let reason): "invalid quantization: \(reason)"
    case .unsupportedFormat(let format): "cannot preprocess \(format.rawValue) frames"
    case .invalidFrame(let reason): "invalid frame: \(reason)"
    case .tensorMismatch(let reason): "output tensor does not match the spec: \(reason)"
    case .tensorAllocation(let error): "cannot allocate the output tensor: \(error)"
    }
  }
}
