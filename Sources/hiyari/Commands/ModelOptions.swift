import ArgumentParser
import Engine

/// The model argument of `hiyari model info` and `run`: a bundle folder or a .onnx file, with
/// shapes for a .onnx model's symbolic input dimensions.
struct ModelOptions: ParsableArguments {
  @Argument(help: "A model bundle folder or a .onnx file (imported on the fly).")
  var model: String

  @Option(
    name: .customLong("input-shape"),
    help: ArgumentHelp("A .onnx input's shape, name=1,3,192,320 (repeatable).", valueName: "name=dims"))
  var inputShapes: [String] = []

  func validate() throws { _ = try parsedInputShapes() }

  /// `--input-shape` values by input name.
  func parsedInputShapes() throws -> [String: [Int]] { try Self.parseInputShapes(inputShapes) }

  /// `--input-shape` values (name=dims) by input name; shared with `profile` and `plan`.
  static func parseInputShapes(_ texts: [String]) throws -> [String: [Int]] {
    var shapes: [String: [Int]] = [:]
    for text in texts {
      guard let equals = text.firstIndex(of: "=") else {
        throw ValidationError("--input-shape takes name=dims, e.g. images=1,3,192,320 (got \(text))")
      }
      let name = String(text[..<equals])
      let dimensions = text[text.index(after: equals)...].split(
        separator: ",", omittingEmptySubsequences: false
      )
      .map { Int($0) }
      guard !name.isEmpty, !dimensions.isEmpty, dimensions.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError(
          "--input-shape \(text): dimensions must be positive integers, e.g. images=1,3,192,320")
      }
      guard shapes.updateValue(dimensions.map { $0! }, forKey: name) == nil else {
        throw ValidationError("--input-shape gives \(name) twice")
      }
    }
    return shapes
  }

  /// Loads the model, reporting failures as `error:` lines and exit status 1.
  func load() throws -> (graph: Graph, bundleIdentifier: String?) {
    do {
      return try loadModel(path: model, inputShapes: parsedInputShapes())
    } catch let error as GraphError {
      printError(error.description)
      throw ExitCode(1)
    }
  }
}
