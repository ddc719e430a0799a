import ArgumentParser

/// `hiyari-train`: trains the shipped detector on synthetic frames, quantizes it and evaluates
/// it. A developer tool, never linked into the device binary.
@main
struct HiyariTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari-train",
    abstract: "Train, quantize and evaluate the hiyari-fcos detector on synthetic frames.",
    subcommands: [DetectorCommand.self, EvaluateCommand.self, EventsCommand.self, ONNXCommand.self])
}
