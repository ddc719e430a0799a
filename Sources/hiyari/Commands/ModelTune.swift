import ArgumentParser
import Engine
import FoundationEssentials

/// `hiyari model tune`: per-node int8/fp32 by measurement on this machine, within an accuracy
/// budget. Prints the per-node table and the whole-model totals, writes the tuned bundle and the
/// tuning profile (JSON, written atomically) to keep with the device profile. All the work is
/// `PrecisionTuner` in Engine; this reads files, prints and writes.
struct ModelTune: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tune",
    abstract: "Choose int8 or fp32 per convolution by timing both here, within an accuracy budget.")

  @Argument(help: "A float32 model: bundle folder or .onnx file.")
  var model: String

  @Option(help: "Calibration samples, as for `hiyari model quantize` (.npy/.npz file or folder).")
  var calibration: String

  @Option(name: .shortAndLong, help: "The tuned bundle folder to write.")
  var output: String

  @Option(help: "Where to write the tuning profile (JSON). Default: <output>/tuning-profile.json.")
  var profile: String?

  @Option(help: "Threads to time and run with (timings hold for this count only).")
  var threads: Int = 1

  @Option(help: "Timed runs behind each median.")
  var runs: Int = 20

  @Option(help: "Untimed runs first.")
  var warmup: Int = 3

  @Option(help: "The least SNR (dB) against float any output may have on the calibration samples.")
  var minSnr: Double = 30

  @Option(help: "Calibration method: minmax or percentile.")
  var method: String = "minmax"

  @Option(help: "The percentile for --method percentile.")
  var percentile: Double = 99.99

  func validate() throws {
    guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be in 1...256") }
    guard runs >= 1, runs <= 100_000 else { throw ValidationError("--runs must be in 1...100000") }
    guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
    guard minSnr.isFinite else { throw ValidationError("--min-snr must be a number of dB") }
  }

  func run() throws {
    let calibrationMethod = try ModelQuantize.calibrationMethod(method, percentile: percentile)
    do {
      let float = try ModelQuantize.load(model)
      let samples = try CalibrationFiles(path: calibration, inputs: float.inputs).all()
      let tuner = PrecisionTuner(
        options: .init(
          threadCount: threads, runs: runs, warmup: warmup, minimumSNRDecibels: minSnr,
          quantization: .init(method: calibrationMethod)))
      let result = try tuner.tune(float: float, samples: samples)
      print(result.profile)
      let identifier = try ModelBundle.write(result.graph, to: output)
      let profilePath = profile ?? "\(output)/tuning-profile.json"
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      try DurableFile.write(Array(try encoder.encode(result.profile)), to: profilePath)
      print("wrote \(output) (\(identifier)) and \(profilePath)")
    } catch let error as GraphError {
      printError("\(model): \(error.description)")
      throw ExitCode(1)
    } catch let error as DurableFile.WriteError {
      printError(error.description)
      throw ExitCode(1)
    }
  }
}
