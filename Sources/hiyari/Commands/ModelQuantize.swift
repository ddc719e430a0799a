import ArgumentParser
import Engine
import FoundationEssentials

/// `hiyari model quantize`: post-training static int8 quantization of a float model into QDQ form,
/// calibrated on sample inputs, written as a bundle, with the accuracy it lost on those samples.
/// All the work is `PostTrainingQuantizer` in Engine; this reads files and prints.
///
/// Not registered in Hiyari.swift yet: it goes in with the `.npy`/`.npz` readers (Engine's
/// `NumPyArray` and `NumPyArchive`, written in parallel); `CalibrationFiles.read` is the only
/// place that needs them.
struct ModelQuantize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quantize",
    abstract:
      "Quantize a float model to int8 (QDQ form) from calibration samples and report the accuracy lost.")

  @Argument(help: "A model bundle folder or an .onnx file (float32).")
  var model: String

  @Option(
    help:
      "Calibration samples: a folder of .npy files (one sample each, single-input models), an .npz with one member per input, or a folder of such .npz files."
  )
  var calibration: String

  @Option(name: .shortAndLong, help: "The bundle folder to write.")
  var output: String

  @Option(help: "Calibration method: minmax or percentile.")
  var method: String = "minmax"

  @Option(help: "The percentile for --method percentile.")
  var percentile: Double = 99.99

  @Option(help: "Node names to keep in float32 (repeatable).")
  var keepFloat: [String] = []

  @Flag(help: "One weight scale per tensor instead of per output channel.")
  var perTensorWeights = false

  @Option(help: "Threads to run the model with.")
  var threads: Int = 1

  func run() throws {
    let calibrationMethod: CalibrationMethod
    switch method {
    case "minmax": calibrationMethod = .minMax
    case "percentile": calibrationMethod = .percentile(percentile)
    default: throw ValidationError("--method is minmax or percentile, not \(method)")
    }
    let float = try Self.load(model)
    let quantizer = PostTrainingQuantizer(
      options: .init(
        method: calibrationMethod, perChannelWeights: !perTensorWeights, keepFloat: Set(keepFloat),
        threadCount: threads))
    let files = try CalibrationFiles(path: calibration, inputs: float.inputs)
    let table = try quantizer.calibrate(graph: float, samples: files)
    try files.check()
    let quantized = try quantizer.quantize(graph: float, table: table)
    let report = try quantizer.evaluate(float: float, quantized: quantized, samples: files)
    try files.check()
    let identifier = try ModelBundle.write(quantized, to: output)
    print(report)
    print("wrote \(output) (\(identifier))")
  }

  /// A bundle folder, or an ONNX file imported without fusing activations into Conv: the
  /// quantizer removes Relu/Clip itself, as onnxruntime does, so the QDQ graph has its shape.
  static func load(_ path: String) throws(GraphError) -> Graph {
    guard path.hasSuffix(".onnx") else { return try ModelBundle(folder: path).graph }
    var options = ONNXImportOptions()
    options.fuseActivations = false
    return try importONNX(path: path, options: options)
  }
}

/// Calibration samples read one file at a time, so a large calibration set is never all in
/// memory. A read error ends the sequence; `check()` then reports it.
final class CalibrationFiles: Sequence {
  let files: [String]
  let inputs: [TensorInfo]
  private(set) var failure: String?

  init(path: String, inputs: [TensorInfo]) throws {
    self.inputs = inputs
    if path.hasSuffix(".npz") {
      files = [path]
    } else {
      let names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
      files = names.filter { $0.hasSuffix(".npy") || $0.hasSuffix(".npz") }.map { "\(path)/\($0)" }
    }
    guard !files.isEmpty else { throw ValidationError("\(path): no .npy or .npz calibration samples") }
  }

  func makeIterator() -> AnyIterator<[String: Tensor]> {
    var remaining = files[...]
    return AnyIterator { [self] in
      guard failure == nil, let file = remaining.popFirst() else { return nil }
      do {
        return try read(file)
      } catch {
        failure = "\(file): \(error)"
        return nil
      }
    }
  }

  func check() throws {
    if let failure { throw ValidationError(failure) }
  }

  /// One sample: a value per graph input.
  func read(_ file: String) throws -> [String: Tensor] {
    // TODO(numpy): read with Engine's NumPyArray (.npy: the single input) and NumPyArchive
    // (.npz: one member per input name, or one sample per member for a single-input model).
    throw ValidationError("reading \(file) needs NumPyArray/NumPyArchive, which are not merged yet")
  }
}
