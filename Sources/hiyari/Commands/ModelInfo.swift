import ArgumentParser
import Engine
import FoundationEssentials

/// `hiyari model info`: nodes, shapes, parameters, multiply-accumulates and activation memory.
struct ModelInfo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "info",
    abstract: "Describe a model: nodes with output shapes, parameters, MACs, activation memory.")

  @OptionGroup var options: ModelOptions

  @Flag(help: "Print JSON instead of text.")
  var json = false

  /// The JSON document: the model's interface and its statistics.
  struct Report: Encodable {
    var model: String
    var bundle: String?
    var inputs: [TensorInfo]
    var outputs: [String]
    var statistics: ModelStatistics
  }

  func run() throws {
    let (graph, identifier) = try options.load()
    let compiled: CompiledModel
    do {
      compiled = try CompiledModel(graph: graph)
    } catch {
      printError("\(options.model): \(error.description)")
      throw ExitCode(1)
    }
    let statistics = ModelStatistics(compiled)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
      let report = Report(
        model: options.model, bundle: identifier, inputs: graph.inputs, outputs: graph.outputs,
        statistics: statistics)
      print(String(decoding: try encoder.encode(report), as: UTF8.self))
      return
    }
    print("model \(options.model)\(identifier.map { " (bundle \($0))" } ?? "")")
    for input in graph.inputs { print("input \(describe(input))") }
    for (index, node) in statistics.nodes.enumerated() {
      let outputs = node.outputs.map(describe).joined(separator: ", ")
      let macs = node.multiplyAccumulates > 0 ? " macs=\(node.multiplyAccumulates)" : ""
      print("node \(index) \(node.name) \(node.op) -> \(outputs)\(macs)")
    }
    for output in graph.outputs { print("output \(output)") }
    print(
      "summary: nodes=\(statistics.nodes.count) parameters=\(statistics.parameterCount)"
        + " parameter_bytes=\(statistics.parameterBytes) macs=\(statistics.multiplyAccumulates)"
        + " activation_peak_bytes=\(statistics.activationArenaBytes)"
        + " activation_lower_bound_bytes=\(statistics.activationLowerBound)"
        + " activation_total_bytes=\(statistics.activationTotalBytes)"
        + " workspace_bytes=\(statistics.workspaceBytes)")
  }

  private func describe(_ info: TensorInfo) -> String {
    let shape = info.shape.map(String.init).joined(separator: "x")
    return "\(info.name): \(info.elementType) [\(shape)]"
  }
}
