import ArgumentParser

/// The device CLI.
@main
struct Hiyari: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari",
    abstract: "Edge inference and offload runtime for in-vehicle cameras.",
    subcommands: [Bench.self])
}
