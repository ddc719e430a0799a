/// The real range a tensor is quantized to cover, as calibration found it.
public struct TensorRange: Sendable, Hashable, Codable {
  public var min: Float
  public var max: Float

  public init(min: Float, max: Float) {
    self.min = min
    self.max = max
  }
}
