import ArgumentParser
import Engine
import FoundationEssentials

/// `hiyari model quantize`: post-training static int8 quantization of a float model into QDQ form,
/// calibrated on sample inputs, written as a bundle, with the accuracy it lost on those samples.
/// All the work is `PostTrainingQuantizer` and `fuseQuantizedOperators` in Engine; this reads
/// files and prints. The bundle holds the fused graph (int8 kernels where the QDQ patterns
/// allow), and the accuracy report is measured on it: that is the model that will run.
struct ModelQuantize: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quantize",
    abstract:
      "Quantize a float model to int8 (QDQ form) from calibration samples and report the accuracy lost.")

  @Argument(help: "A model bundle folder or an .onnx file (float32).")
  var model: String

  @Option(
    help:
      "Calibration samples: a folder of .npy files (one sample each, single-input models), an .npz with one member per input, or a folder of such .npz files; an array with an extra leading axis holds that many samples."
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

  @Flag(
    help:
      "Weights in -64...64 (onnxruntime's reduce_range): about 3x faster int8 convolutions on AVX2 machines without VNNI, at half the weight resolution."
  )
  var sevenBitWeights = false

  @Option(help: "Threads to run the model with.")
  var threads: Int = 1

  func run() throws {
    let calibrationMethod = try ModelQuantize.calibrationMethod(method, percentile: percentile)
    let float = try Self.load(model)
    let quantizer = PostTrainingQuantizer(
      options: .init(
        method: calibrationMethod, perChannelWeights: !perTensorWeights, keepFloat: Set(keepFloat),
        threadCount: threads, sevenBitWeights: sevenBitWeights))
    let files = try CalibrationFiles(path: calibration, inputs: float.inputs)
    let table = try files.checked { try quantizer.calibrate(graph: float, samples: $0) }
    let quantized = try fuseQuantizedOperators(quantizer.quantize(graph: float, table: table))
    let report = try files.checked { try quantizer.evaluate(float: float, quantized: quantized, samples: $0) }
    let identifier = try ModelBundle.write(quantized, to: output)
    print(report)
    let int8 = quantized.nodes.filter { $0.op.hasPrefix("QLinear") }.count
    print("int8 kernels: \(int8) of \(quantized.nodes.count) nodes")
    print("wrote \(output) (\(identifier))")
  }

  /// The `--method` and `--percentile` options as a calibration method.
  static func calibrationMethod(_ name: String, percentile: Double) throws -> CalibrationMethod {
    switch name {
    case "minmax": return .minMax
    case "percentile": return .percentile(percentile)
    default: throw ValidationError("--method is minmax or percentile, not \(name)")
    }
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
