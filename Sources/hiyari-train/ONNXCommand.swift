import ArgumentParser
import Engine

/// `hiyari-train onnx`: a float detector bundle as an ONNX file (what `detector` writes beside
/// its bundles), for bundles trained before that export existed or by hand.
struct ONNXCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "onnx", abstract: "Write a float32 bundle of standard ONNX operators as an .onnx file.")

  @Option(help: "A float32 model bundle folder.")
  var model: String

  @Option(name: .shortAndLong, help: "The .onnx file to write.")
  var output: String

  func run() throws {
    try ONNXExport.write(try ModelBundle(folder: model).graph, to: output)
    print("wrote \(output)")
  }
}
