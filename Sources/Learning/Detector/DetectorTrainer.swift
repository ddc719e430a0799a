import Engine
import Glibc

/// Trains a `DetectorNetwork` on a `LabeledImageSource`: seeded batches, augmentation, FCOS targets,
/// the detection loss, AdamW with warmup and cosine decay, progress reports and durable
/// checkpoints (resumed when present). Batch `k` depends only on the seed and `k`, so a resumed
/// run repeats the batches an uninterrupted one would have seen.
public final class DetectorTrainer {
  public let network: DetectorNetwork
  public let source: any LabeledImageSource
  public let options: DetectorTrainingOptions
  public let optimizer: AdamW
  public let schedule: CosineSchedule
  public private(set) var step = 0

  public init(network: DetectorNetwork, source: any LabeledImageSource, options: DetectorTrainingOptions)
    throws
  {
    guard source.count > 0 else { throw TrainingError("the labelled image source is empty") }
    guard options.batchSize >= 1, options.steps >= 1 else {
      throw TrainingError("batch size \(options.batchSize) and steps \(options.steps) must be at least 1")
    }
    self.network = network
    self.source = source
    self.options = options
    optimizer = AdamW(parameters: network.parameters, weightDecay: options.weightDecay)
    schedule = CosineSchedule(
      base: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.steps)
    if let path = options.checkpointPath, access(path, F_OK) == 0 {
      let metadata = try Checkpoint.load(network, optimizer: optimizer, from: path)
      guard let saved = metadata["step"].flatMap(Int.init), saved >= 0, saved <= options.steps else {
        throw TrainingError("checkpoint \(path) has no valid step")
      }
      guard metadata["seed"] == String(options.seed) else {
        throw TrainingError(
          "checkpoint \(path) was trained with seed \(metadata["seed"] ?? "?"), not \(options.seed)")
      }
      step = saved
    }
  }

  /// The augmented images [N, 3, H, W] and per-image level targets of batch `index`.
  public func batch(_ index: Int) throws -> (images: Variable, targets: [[LevelTargets]]) {
    let configuration = network.configuration
    var generator = SeededGenerator(seed: options.seed ^ (UInt64(index) &* 0x9E37_79B9_7F4A_7C15))
    let (width, height) = (configuration.inputWidth, configuration.inputHeight)
    let perImage = 3 * width * height
    var pixels = [Float](repeating: 0, count: options.batchSize * perImage)
    var targets: [[LevelTargets]] = []
    for image in 0..<options.batchSize {
      let sample = try source.sample(at: Int(generator.next() % UInt64(source.count)))
      try sample.validate(classCount: configuration.classCount)
      let boxes = pixels.withUnsafeMutableBufferPointer { buffer in
        options.augmentation.apply(
          sample, width: width, height: height,
          into: UnsafeMutableBufferPointer(rebasing: buffer[(image * perImage)..<((image + 1) * perImage)]),
          generator: &generator)
      }
      targets.append(TargetAssignment.assign(boxes, configuration: configuration))
    }
    return (Variable(shape: [options.batchSize, 3, height, width], value: pixels), targets)
  }

  /// One optimisation step on the next batch; returns its loss parts.
  @discardableResult
  public func trainStep() throws -> DetectionLoss.Parts {
    let (images, targets) = try batch(step)
    let outputs = network(images, training: true)
    let (loss, parts) = options.loss(outputs, targets: targets)
    guard parts.total.isFinite else { throw TrainingError("loss is not finite at step \(step)") }
    loss.backward()
    optimizer.step(learningRate: schedule.rate(at: step))
    step += 1
    return parts
  }

  /// Trains to `options.steps`, reporting progress and writing checkpoints.
  public func run(progress: (TrainingProgress) -> Void = { _ in }) throws {
    var (classification, box, positives, count) = (Float(0), Float(0), 0, 0)
    var started = MonotonicClock.nanoseconds()
    while step < options.steps {
      let parts = try trainStep()
      classification += parts.classification
      box += parts.box
      positives += parts.positives
      count += 1
      if step % options.logEvery == 0 || step == options.steps {
        let now = MonotonicClock.nanoseconds()
        progress(
          TrainingProgress(
            step: step, steps: options.steps, learningRate: schedule.rate(at: step - 1),
            classification: classification / Float(count), box: box / Float(count),
            positivesPerImage: Float(positives) / Float(count * options.batchSize),
            secondsPerStep: Double(now - started) / 1e9 / Double(count)))
        (classification, box, positives, count) = (0, 0, 0, 0)
        started = now
      }
      if let path = options.checkpointPath, step % options.checkpointEvery == 0 || step == options.steps {
        try saveCheckpoint(to: path)
      }
    }
  }

  public func saveCheckpoint(to path: String) throws {
    try Checkpoint.save(
      network, optimizer: optimizer, metadata: ["step": String(step), "seed": String(options.seed)], to: path)
  }
}
