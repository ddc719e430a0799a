extension PrecisionTuner {
  /// How to measure and what accuracy to keep.
  public struct Options: Sendable, Hashable {
    /// Threads every model runs with: timings hold for this thread count only.
    public var threadCount: Int
    /// Timed runs behind each median.
    public var runs: Int
    /// Untimed runs first (caches, page faults, the thread pool's start).
    public var warmup: Int
    /// The least SNR (dB) against the float model that every output must keep, measured on the
    /// calibration samples.
    public var minimumSNRDecibels: Double
    /// How to quantize (calibration method, per-channel weights, nodes and operators always kept
    /// in float); its `threadCount` is replaced by this one's.
    public var quantization: PostTrainingQuantizer.Options

    public init(
      threadCount: Int = 1, runs: Int = 20, warmup: Int = 3, minimumSNRDecibels: Double = 30,
      quantization: PostTrainingQuantizer.Options = .init()
    ) {
      self.threadCount = threadCount
      self.runs = runs
      self.warmup = warmup
      self.minimumSNRDecibels = minimumSNRDecibels
      self.quantization = quantization
    }
  }
}
