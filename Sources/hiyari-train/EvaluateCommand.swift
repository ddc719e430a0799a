import ArgumentParser
import Engine

/// `hiyari-train evaluate`: mAP@0.5 per class of one or more detector bundles on the held-out
/// synthetic sets, as Markdown, models side by side.
struct EvaluateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "mAP@0.5 per class of detector bundles on held-out synthetic frames (Markdown).")

  @Option(help: "A detector bundle folder or .onnx file (repeat to compare, e.g. fp32 then int8).")
  var model: [String]

  @Option(help: "Frames per evaluation set.")
  var count: Int = 300

  @Option(help: "The evaluation seed (the held-out conditions use it, the seen-conditions set the next).")
  var seed: UInt64 = DataSplits.evaluationSeed

  @Option(help: "Threads to run the models with.")
  var threads: Int = 1

  func validate() throws {
    guard !model.isEmpty else { throw ValidationError("give at least one --model") }
    guard (1...100_000).contains(count) else { throw ValidationError("--count must be 1...100000") }
    guard (1...64).contains(threads) else { throw ValidationError("--threads must be 1...64") }
  }

  func run() throws {
    let named = model.map { path in
      (name: path.split(separator: "/").last.map(String.init) ?? path, path: path)
    }
    print(
      try DetectorEvaluation.markdown(models: named, count: count, seed: seed, threads: threads),
      terminator: "")
  }
}
