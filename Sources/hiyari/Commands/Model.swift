import ArgumentParser

/// `hiyari model`: import, describe and run models.
struct Model: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Import, describe and run models (bundle folders or .onnx files).",
    subcommands: [ModelImport.self, ModelInfo.self, ModelRun.self])
}
