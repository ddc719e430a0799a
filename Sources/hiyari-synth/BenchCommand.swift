import ArgumentParser
import Engine
import Synth

#if canImport(Glibc)
  import Glibc
#endif

/// `hiyari-synth bench`: how fast frames render on one thread (no encoding).
struct BenchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "bench", abstract: "Measure rendering speed (frames per second, one thread, no encoding).")

  @Option(help: "Frame size, WIDTHxHEIGHT.")
  var size: String = "320x192"

  @Option(help: "Frames to render per scenario kind.")
  var frames: Int = 60

  func run() throws {
    guard (1...100_000).contains(frames) else { throw ValidationError("--frames must be within 1...100000") }
    var look = LookOptions()
    look.size = size
    let renderer = SceneRenderer()
    var total = 0.0
    var count = 0
    for (number, kind) in ScenarioKind.allCases.enumerated() {
      let script = ScenarioScript.random(kind: kind, seed: UInt64(number + 1), seconds: 10)
      let scenario = Scenario(script: script)
      let camera = try look.camera(for: script)
      let start = Self.now()
      for frame in 0..<frames {
        _ = renderer.render(scenario, frame: frame * 299 / max(1, frames - 1), camera: camera)
      }
      let seconds = Self.now() - start
      total += seconds
      count += frames
      let label =
        "\(kind.rawValue) (\(script.conditions.weather.rawValue) \(script.conditions.light.rawValue))"
      print(
        "\(label): \(Int((Double(frames) / seconds).rounded())) frames/s, \(Self.milliseconds(seconds / Double(frames))) ms/frame"
      )
    }
    print(
      "all at \(size): \(Int((Double(count) / total).rounded())) frames/s, \(Self.milliseconds(total / Double(count))) ms/frame"
    )
  }

  static func now() -> Double { MonotonicClock.seconds() }

  static func milliseconds(_ seconds: Double) -> String {
    let value = (seconds * 10_000).rounded() / 10
    return String(value)
  }
}
