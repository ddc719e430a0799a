extension PostTrainingQuantizer {
  /// What to quantize and how.
  public struct Options: Sendable, Hashable {
    /// How calibration turns observed values into activation ranges.
    public var method: CalibrationMethod
    /// Weights of Conv (axis 0), Gemm and MatMul (the output-column axis) get one scale per
    /// output channel; otherwise one scale per weight tensor.
    public var perChannelWeights: Bool
    /// Node names to leave in float (onnxruntime's `nodes_to_exclude`): the node's own weights
    /// stay float and it marks none of its tensors for quantization, though a quantized
    /// neighbour may still put Q/DQ on a tensor it shares. The hook for a per-node int8/fp32
    /// tuner.
    public var keepFloat: Set<String>
    /// Operator types to leave in float, e.g. ["Softmax"].
    public var keepFloatOps: Set<String>
    /// Threads each compiled model (calibration, evaluation) runs with.
    public var threadCount: Int
    /// Weights in -64...64 instead of -127...127 (onnxruntime's `reduce_range`): half the weight
    /// resolution, but AVX2 machines without VNNI then run the int8 convolutions on vpmaddubsw,
    /// about three times faster (see `HIYARI_QCONV_AVX2_U8S7`).
    public var sevenBitWeights: Bool

    public init(
      method: CalibrationMethod = .minMax, perChannelWeights: Bool = true, keepFloat: Set<String> = [],
      keepFloatOps: Set<String> = [], threadCount: Int = 1, sevenBitWeights: Bool = false
    ) {
      self.sevenBitWeights = sevenBitWeights
      self.method = method
      self.perChannelWeights = perChannelWeights
      self.keepFloat = keepFloat
      self.keepFloatOps = keepFloatOps
      self.threadCount = threadCount
    }
  }
}
