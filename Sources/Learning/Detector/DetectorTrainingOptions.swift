/// How a detector is trained: all that, with the seed, determines the resulting weights.
public struct DetectorTrainingOptions: Sendable, Hashable, Codable {
  public var seed: UInt64 = 1
  public var batchSize = 8
  public var steps = 6000
  /// AdamW's peak learning rate (after warmup), decayed along a cosine to 1% of it.
  public var learningRate: Float = 2e-3
  public var warmupSteps = 200
  public var weightDecay: Float = 0.05
  public var augmentation = Augmentation()
  public var loss = DetectionLoss()
  /// Where a checkpoint is written (durably) every `checkpointEvery` steps and at the end; an
  /// existing checkpoint there is resumed.
  public var checkpointPath: String?
  public var checkpointEvery = 250
  /// Progress is reported every this many steps.
  public var logEvery = 10

  public init() {}
}

/// One progress report of a training run.
public struct TrainingProgress: Sendable {
  public var step: Int
  public var steps: Int
  public var learningRate: Float
  /// The mean loss parts since the previous report.
  public var classification: Float
  public var box: Float
  public var positivesPerImage: Float
  public var secondsPerStep: Double

  public var description: String {
    let rate = String(Int((learningRate * 1e6).rounded()))
    return
      "step \(step)/\(steps) loss \(format(classification + box)) (class \(format(classification)), box \(format(box))) positives/image \(format(positivesPerImage)) lr \(rate)e-6 \(format(Float(secondsPerStep))) s/step"
  }

  private func format(_ value: Float) -> String {
    let scaled = (value * 1000).rounded() / 1000
    return "\(scaled)"
  }
}
