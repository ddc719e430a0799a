import ArgumentParser
import Capture
import Engine
import FoundationEssentials
import Learning
import Synth

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-train detector`: trains the hiyari-fcos detector from a seed on synthetic frames,
/// checkpointing durably, then writes the fp32 bundle, the int8 bundle calibrated on synthetic
/// frames, and their evaluation. The same seed and steps give the same weights.
struct DetectorCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "detector",
    abstract: "Train the detector, export fp32 and int8 bundles, and evaluate both.")

  @Option(help: "The seed of the weights' initialisation, the batches and the training frames.")
  var seed: UInt64

  @Option(help: "Channel width multiplier (1 = the shipped size).")
  var widthMultiplier: Float = 1

  @Option(help: "Optimisation steps (the learning-rate schedule's length).")
  var steps: Int = 6000

  @Option(help: "Stop after this many minutes of training even before --steps (resumable).")
  var minutes: Double?

  @Option(help: "Images per batch.")
  var batch: Int = 8

  @Option(help: "Threads for training and inference.")
  var threads: Int = 1

  @Option(
    help:
      "Stop after this step though the schedule runs to --steps (reproduces a run that --minutes cut short)."
  )
  var stopAfter: Int?

  @Option(help: "A folder for the training checkpoint (written every --checkpoint-every steps).")
  var checkpoint: String?

  @Option(help: "Steps between checkpoints.")
  var checkpointEvery: Int = 50

  @Flag(help: "Continue from the checkpoint in --checkpoint (otherwise an existing one is refused).")
  var resume = false

  @Option(help: "Fraction of training frames passed through H.264 for compression artefacts.")
  var compressedShare: Double = 0.25

  @Option(help: "Calibration frames for int8 quantization.")
  var calibrationCount: Int = 256

  @Option(help: "Calibration method: minmax or percentile.")
  var calibrationMethod: String = "percentile"

  @Option(help: "The percentile for --calibration-method percentile.")
  var percentile: Double = 99.999

  @Option(help: "Frames of each evaluation set (0 skips the evaluation).")
  var evaluationCount: Int = 300

  @Option(
    name: .shortAndLong,
    help:
      "The folder to write: the int8 bundle in it, the fp32 bundle in fp32/, the fp32 ONNX file, EVALUATION.md, training.json."
  )
  var output: String

  func validate() throws {
    guard steps >= 1, batch >= 1, batch <= 256, threads >= 1, threads <= 64, checkpointEvery >= 1 else {
      throw ValidationError(
        "--steps, --batch (≤ 256), --threads (≤ 64) and --checkpoint-every must be positive")
    }
    guard widthMultiplier >= 0.125, widthMultiplier <= 4 else {
      throw ValidationError("--width-multiplier must be in 0.125...4")
    }
    guard (0...1).contains(compressedShare) else {
      throw ValidationError("--compressed-share must be in 0...1")
    }
    guard (1...4096).contains(calibrationCount) else {
      throw ValidationError("--calibration-count must be 1...4096")
    }
    guard (0...100_000).contains(evaluationCount) else {
      throw ValidationError("--evaluation-count must be 0...100000")
    }
    if let minutes, !(minutes > 0) { throw ValidationError("--minutes must be positive") }
    if let stopAfter, !(1...steps).contains(stopAfter) {
      throw ValidationError("--stop-after must be in 1...--steps")
    }
  }

  func run() throws {
    AutogradThreads.use(threads)
    try Directories.create(output)
    let configuration = DetectorConfiguration(width: widthMultiplier)
    let network = DetectorNetwork(configuration: configuration, seed: seed)
    var options = DetectorTrainingOptions()
    options.seed = seed
    options.steps = steps
    options.batchSize = batch
    options.checkpointEvery = checkpointEvery
    options.warmupSteps = min(options.warmupSteps, max(1, steps / 10))
    if let checkpoint {
      try Directories.create(checkpoint)
      let path = "\(checkpoint)/detector-seed\(seed).safetensors"
      if access(path, F_OK) == 0, !resume {
        throw ValidationError("\(path) exists: pass --resume to continue it, or remove it")
      }
      options.checkpointPath = path
    }
    let source = SynthImageSource(
      seed: seed, count: DataSplits.trainingFrames, conditions: DataSplits.training,
      compressedShare: compressedShare)
    let trainer = try DetectorTrainer(network: network, source: source, options: options)
    if trainer.step > 0 { Console.writeError("resumed at step \(trainer.step) of \(steps)\n") }
    let parameterCount = network.parameters.reduce(0) { $0 + $1.variable.value.count }
    Console.writeError(
      "training hiyari-fcos (width \(widthMultiplier), \(parameterCount) parameters) seed \(seed), \(steps) steps of \(batch) images, \(threads) thread(s)\n"
        + "training conditions: \(DataSplits.training.description)\n")
    let seconds = try train(trainer)
    let finished = trainer.step == steps
    if !finished {
      Console.writeError(
        "stopped at step \(trainer.step) of \(steps); the model is exported as it is"
          + (checkpoint == nil ? "\n" : ", and --resume continues it\n"))
    }
    try Self.writeRecipe(
      TrainingRecipe(
        seed: seed, widthMultiplier: widthMultiplier, scheduledSteps: steps, completedSteps: trainer.step,
        batch: batch, threads: threads, trainingSeconds: seconds.rounded(),
        trainingConditions: DataSplits.training.description, compressedShare: compressedShare,
        calibration: "\(calibrationCount) frames, \(calibrationMethod)"
          + (calibrationMethod == "percentile" ? " \(percentile)" : "")),
      to: "\(output)/training.json")

    let float = try network.exportGraph()
    let floatFolder = "\(output)/fp32"
    let floatIdentifier = try ModelBundle.write(float, to: floatFolder)
    Console.writeError("wrote \(floatFolder) (\(floatIdentifier))\n")
    let onnxPath = "\(output)/hiyari-detector-fp32.onnx"
    try ONNXExport.write(float, to: onnxPath)
    Console.writeError("wrote \(onnxPath)\n")
    // The int8 bundle is the folder itself: `hiyari run` loads Models/hiyari-detector by default.
    let int8Folder = output
    let quantized = try DetectorQuantization(
      method: try Self.method(calibrationMethod, percentile: percentile), frames: calibrationCount,
      threads: threads
    ).quantize(float, trainingSeed: seed)
    let int8Identifier = try ModelBundle.write(quantized.graph, to: int8Folder)
    Console.writeError("\(quantized.report)\nwrote \(int8Folder) (\(int8Identifier))\n")

    guard evaluationCount > 0 else { return }
    let report = try DetectorEvaluation.markdown(
      models: [("fp32", floatFolder), ("int8", int8Folder)], count: evaluationCount,
      seed: DataSplits.evaluationSeed, threads: threads)
    try DurableFile.write(Array(report.utf8), to: "\(output)/EVALUATION.md")
    print(report)
  }

  /// Trains until the schedule ends or the time is up; returns the seconds spent.
  private func train(_ trainer: DetectorTrainer) throws -> Double {
    let started = MonotonicClock.nanoseconds()
    let deadline = minutes.map { started + UInt64($0 * 60e9) }
    var window = (classification: Float(0), box: Float(0), steps: 0, since: started)
    while trainer.step < (stopAfter ?? steps) {
      if let deadline, MonotonicClock.nanoseconds() >= deadline { break }
      let parts = try trainer.trainStep()
      window.classification += parts.classification
      window.box += parts.box
      window.steps += 1
      if let path = trainer.options.checkpointPath,
        trainer.step % checkpointEvery == 0 || trainer.step == steps
      {
        try trainer.saveCheckpoint(to: path)
      }
      if trainer.step % 10 == 0 || trainer.step == steps {
        let now = MonotonicClock.nanoseconds()
        let perStep = Double(now - window.since) / 1e9 / Double(window.steps)
        let n = Float(window.steps)
        let eta = Int(perStep * Double(steps - trainer.step))
        print(
          "step \(trainer.step)/\(steps) loss \(Self.format(window.classification / n + window.box / n)) "
            + "(class \(Self.format(window.classification / n)), box \(Self.format(window.box / n))) "
            + "lr \(Self.format(trainer.schedule.rate(at: trainer.step - 1) * 1000))e-3 "
            + "\(Self.format(Float(Double(batch) / perStep))) images/s ETA \(eta / 60)m\(eta % 60)s")
        fflush(nil)
        window = (0, 0, 0, now)
      }
    }
    if let path = trainer.options.checkpointPath, trainer.step % checkpointEvery != 0 {
      try trainer.saveCheckpoint(to: path)
    }
    return Double(MonotonicClock.nanoseconds() - started) / 1e9
  }

  static func format(_ value: Float) -> String { String((value * 1000).rounded() / 1000) }

  static func method(_ name: String, percentile: Double) throws -> CalibrationMethod {
    switch name {
    case "minmax": return .minMax
    case "percentile":
      guard percentile > 50, percentile <= 100 else {
        throw ValidationError("--percentile must be in 50...100")
      }
      return .percentile(percentile)
    default: throw ValidationError("--calibration-method is minmax or percentile, not \(name)")
    }
  }

  static func writeRecipe(_ recipe: TrainingRecipe, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try DurableFile.write(Array(try encoder.encode(recipe)) + [10], to: path)
  }
}

/// What a training run did, written beside the bundles so the model card's numbers have a source.
struct TrainingRecipe: Codable {
  var seed: UInt64
  var widthMultiplier: Float
  var scheduledSteps: Int
  var completedSteps: Int
  var batch: Int
  var threads: Int
  var trainingSeconds: Double
  var trainingConditions: String
  var compressedShare: Double
  var calibration: String
}
