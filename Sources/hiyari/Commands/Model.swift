import ArgumentParser

/// `hiyari model`: import, describe, run, quantize and tune models.
struct Model: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Import, describe, run, quantize and tune models (bundle folders or .onnx files).",
    subcommands: [ModelImport.self, ModelInfo.self, ModelRun.self, ModelQuantize.self, ModelTune.self])
}
