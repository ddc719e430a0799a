import ArgumentParser
import Engine

/// `hiyari model run`: run a model (or one side of a cut) on .npy/.npz inputs, write its outputs
/// and report latency.
struct ModelRun: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
    abstract: "Run a model on .npy/.npz inputs, write the outputs, print latency.")

  @OptionGroup var options: ModelOptions

  @Option(
    name: .customLong("input"),
    help: ArgumentHelp(
      "file.npy (the model's only input), name=file.npy, or inputs.npz (members by name); repeatable.",
      valueName: "input"))
  var inputs: [String] = []

  @Option(help: "Where to write the outputs: .npy (a single output) or .npz (every output by name).")
  var output: String

  @Option(help: "Threads for the kernels.")
  var threads: Int = 1

  @Option(help: "Timed runs.")
  var `repeat`: Int = 1

  @Option(help: "Untimed runs first (default: 0 for a single run, else 3).")
  var warmup: Int?

  @Option(help: "Tensors crossing the cut, comma separated (with --part).")
  var cut: String?

  @Option(help: "With --cut: run the head (outputs are the crossing tensors) or the tail (its inputs are).")
  var part: CutPart?

  func validate() throws {
    guard !inputs.isEmpty else { throw ValidationError("give at least one --input") }
    guard threads >= 1 && threads <= 256 else { throw ValidationError("--threads must be in 1...256") }
    guard `repeat` >= 1 else { throw ValidationError("--repeat must be positive") }
    guard (warmup ?? 0) >= 0 else { throw ValidationError("--warmup must be 0 or more") }
    guard (cut == nil) == (part == nil) else { throw ValidationError("--cut and --part go together") }
    if let cut, cut.split(separator: ",").isEmpty { throw ValidationError("--cut names tensors: t1,t2") }
  }

  func run() throws {
    let graph = try options.load().graph
    do {
      let model: CompiledModel
      if let cut, let part {
        let crossing = Cut(crossing: cut.split(separator: ",").map(String.init))
        model = try CompiledModel.part(part, of: graph, cut: crossing, threadCount: threads)
      } else {
        model = try CompiledModel(graph: graph, threadCount: threads)
      }
      try model.setInputs(ModelArrays.bindInputs(inputs, to: model.graph.inputs))
      let warmupRuns = warmup ?? (`repeat` == 1 ? 0 : 3)
      for _ in 0..<warmupRuns { model.run() }
      var milliseconds: [Double] = []
      for _ in 0..<`repeat` {
        let start = monotonicNanoseconds()
        model.run()
        milliseconds.append(Double(monotonicNanoseconds() - start) / 1e6)
      }
      let outputs = try model.outputTensors()
      try ModelArrays.writeOutputs(outputs, to: output)
      milliseconds.sort()
      let middle = milliseconds.count / 2
      let median =
        milliseconds.count % 2 == 1
        ? milliseconds[middle] : (milliseconds[middle - 1] + milliseconds[middle]) / 2
      // Nearest rank: the smallest time at least 90% of runs did not exceed.
      let p90 = milliseconds[(milliseconds.count * 9 + 9) / 10 - 1]
      print(
        "summary: model=\(options.model)\(part.map { " part=\($0.rawValue)" } ?? "") runs=\(`repeat`)"
          + " warmup=\(warmupRuns) threads=\(threads) median_ms=\(formatDecimal(median, places: 3))"
          + " p90_ms=\(formatDecimal(p90, places: 3)) min_ms=\(formatDecimal(milliseconds[0], places: 3))"
          + " outputs=\(outputs.map(\.name).joined(separator: ",")) output=\(output)")
    } catch let error as GraphError {
      printError("\(options.model): \(error.description)")
      throw ExitCode(1)
    } catch let error as NumPyError {
      printError(error.description)
      throw ExitCode(1)
    }
  }
}

extension CutPart: ExpressibleByArgument {}
