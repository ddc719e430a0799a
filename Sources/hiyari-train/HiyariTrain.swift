import ArgumentParser
import Capture

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-train`: trains the shipped detector on synthetic frames, quantizes it and evaluates
/// it. A developer tool, never linked into the device binary.
@main
struct HiyariTrain: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari-train",
    abstract: "Train, quantize and evaluate the hiyari-fcos detector on synthetic frames.",
    subcommands: [DetectorCommand.self, EvaluateCommand.self, EventsCommand.self, ONNXCommand.self])

  /// libav stays quiet (libx264 prints its statistics for every clip otherwise) unless
  /// HIYARI_LIBAV_VERBOSE is set.
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
