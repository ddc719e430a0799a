/// Memory order of an image-like 4-D tensor.
public enum TensorLayout: String, Sendable, Hashable, Codable {
  /// Batch, channels, height, width (planar): what ONNX vision models take.
  case nchw
  /// Batch, height, width, channels (interleaved).
  case nhwc
}
