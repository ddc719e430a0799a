import ArgumentParser
import Engine

/// `hiyari model import`: turn a .onnx file into a model bundle.
struct ModelImport: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import a .onnx model and write it as a bundle folder.")

  @OptionGroup var options: ModelOptions

  @Option(
    name: [.customShort("o"), .customLong("output")], help: "The bundle folder to write (created if needed).")
  var output: String

  func validate() throws {
    guard options.model.hasSuffix(".onnx") else { throw ValidationError("model import takes a .onnx file") }
  }

  func run() throws {
    let graph = try options.load().graph
    let identifier: String
    do {
      identifier = try ModelBundle.write(graph, to: output)
    } catch {
      printError(error.description)
      throw ExitCode(1)
    }
    let parameters = graph.constants.values.reduce(0) { $0 + $1.elementCount }
    print(
      "summary: bundle=\(output) id=\(identifier) nodes=\(graph.nodes.count) parameters=\(parameters)"
        + " inputs=\(graph.inputs.count) outputs=\(graph.outputs.count)")
  }
}
