import ArgumentParser
import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// The device CLI.
@main
struct Hiyari: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari",
    abstract: "Edge inference and offload runtime for in-vehicle cameras.",
    subcommands: [
      Devices.self, CaptureCommand.self, RunCommand.self, Bench.self, Model.self, ProfileCommand.self,
      PlanCommand.self, OffloadCommand.self, BenchSplit.self,
    ])

  static func main() {
    LibAVLogging.configureFromEnvironment()
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      exit(withError: error)
    }
  }
}
