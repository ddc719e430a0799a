import ArgumentParser
import Engine

/// The `--model` option of `hiyari profile` and `plan`: a bundle folder or a .onnx file, and the
/// identifier profiles are keyed by (the bundle's, or the one the graph would have as a bundle).
struct OffloadModelOptions: ParsableArguments {
  @Option(help: "A model bundle folder or a .onnx file (imported on the fly).")
  var model: String

  @Option(
    name: .customLong("input-shape"),
    help: ArgumentHelp("A .onnx input's shape, name=1,3,192,320 (repeatable).", valueName: "name=dims"))
  var inputShapes: [String] = []

  func validate() throws { _ = try ModelOptions.parseInputShapes(inputShapes) }

  /// Loads the model, reporting failures as `error:` lines and exit status 1.
  func load() throws -> (graph: Graph, identifier: String) {
    do {
      let (graph, bundle) = try loadModel(
        path: model, inputShapes: ModelOptions.parseInputShapes(inputShapes))
      return (graph, try bundle ?? ModelBundle.identifier(of: graph))
    } catch let error as GraphError {
      printError("\(model): \(error.description)")
      throw ExitCode(1)
    }
  }
}
