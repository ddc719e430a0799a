/// A tensor of a `PartitionProblem`: a graph input or a node output (constants never cross: the
/// cloud holds its own copy of the weights).
public struct PlannerTensor: Sendable, Hashable {
  public var name: String
  /// Bytes in memory and as serialized.
  public var bytes: Int
  /// Bytes sent when it crosses: `bytes`, or for a graph input a compressed form (the frame's
  /// pixel codes, predicted and deflated) when the caller gives one.
  public var uploadBytes: Int
  /// Device seconds to encode it for upload (compressing a frame), paid whenever it crosses.
  public var encodeSeconds: Double
  public var isGraphInput: Bool
  public var isGraphOutput: Bool

  public init(
    name: String, bytes: Int, uploadBytes: Int? = nil, encodeSeconds: Double = 0, isGraphInput: Bool = false,
    isGraphOutput: Bool = false
  ) {
    self.encodeSeconds = encodeSeconds
    self.name = name
    self.bytes = bytes
    self.uploadBytes = uploadBytes ?? bytes
    self.isGraphInput = isGraphInput
    self.isGraphOutput = isGraphOutput
  }
}
