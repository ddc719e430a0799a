import ArgumentParser

/// `hiyari-fleet`: the cloud side of Hiyari. Carries the server code the device binary must not.
@main
struct HiyariFleet: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari-fleet",
    abstract: "The Hiyari fleet server: tail execution for split offload.",
    subcommands: [Serve.self, BenchServe.self])
}
