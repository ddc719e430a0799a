import ArgumentParser
import Capture
import Engine
import Synth

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-synth`: renders synthetic dashcam scenarios with ground truth, for training and for
/// evaluating near-miss detection. A developer tool, never shipped in the device binary.
@main
struct HiyariSynth: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hiyari-synth",
    abstract: "Render synthetic dashcam scenarios (H.264 MP4 + JSON labels with near-miss ground truth).",
    subcommands: [ScenarioCommand.self, DatasetCommand.self, PreviewCommand.self, BenchCommand.self])

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

/// Options every subcommand that renders shares.
struct LookOptions: ParsableArguments {
  @Option(help: "Frame size, WIDTHxHEIGHT (even numbers for video).")
  var size: String = "1280x720"

  @Option(help: "Weather: clear, rain or fog (default: drawn from the seed).")
  var weather: String?

  @Option(help: "Light: day, dusk or night (default: drawn from the seed).")
  var light: String?

  func camera(for script: ScenarioScript) throws -> PinholeCamera {
    guard let frame = FrameSize(parsing: size, range: 16...8192) else {
      throw ValidationError("--size must look like 1280x720 (16...8192 each), not \(size)")
    }
    return script.camera.resized(width: frame.width, height: frame.height)
  }

  /// Applies --weather and --light to a script.
  func adjust(_ script: inout ScenarioScript) throws {
    guard weather != nil || light != nil else { return }
    guard weather.map({ Weather(rawValue: $0) != nil }) ?? true else {
      throw ValidationError("--weather must be clear, rain or fog")
    }
    guard light.map({ Light(rawValue: $0) != nil }) ?? true else {
      throw ValidationError("--light must be day, dusk or night")
    }
    var random = SynthRandom(seed: script.seed, stream: 99)
    script.conditions = random.conditions(
      weather: weather.flatMap(Weather.init) ?? script.conditions.weather,
      light: light.flatMap(Light.init) ?? script.conditions.light)
  }
}

func parseKind(_ name: String) throws -> ScenarioKind {
  guard let kind = ScenarioKind(rawValue: name) else {
    throw ValidationError(
      "unknown --kind \(name); one of \(ScenarioKind.allCases.map(\.rawValue).joined(separator: ", "))")
  }
  return kind
}

/// A one-line progress report on standard error.
struct Progress {
  let label: String
  var last = -1

  mutating func report(_ done: Int, _ total: Int) {
    let percent = total > 0 ? (done + 1) * 100 / total : 100
    guard percent != last else { return }
    last = percent
    var line = "\r\(label) \(percent)% (\(done + 1)/\(total))"
    if done + 1 == total { line += "\n" }
    Console.writeError(line)
  }
}
