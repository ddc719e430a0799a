import ArgumentParser
import Engine
import Synth

/// `hiyari-synth scenario`: one clip and its labels.
struct ScenarioCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "scenario", abstract: "Render one scenario to OUT.mp4 and OUT.json.")

  @Option(help: "Scenario kind: \(ScenarioKind.allCases.map(\.rawValue).joined(separator: ", ")).")
  var kind: String

  @Option(help: "Seed (the same seed gives the same clip, byte for byte).")
  var seed: UInt64 = 1

  @Option(help: "Length in seconds (default: 10, or 120 for long-drive).")
  var seconds: Double?

  @OptionGroup var look: LookOptions

  @Option(help: "x264 constant rate factor (0 lossless ... 51).")
  var crf: Double = 23

  @Option(name: .shortAndLong, help: "Output path without extension.")
  var output: String

  func run() throws {
    let kind = try parseKind(kind)
    if let seconds, !(0.1...3600).contains(seconds) {
      throw ValidationError("--seconds must be within 0.1...3600")
    }
    var script = ScenarioScript.random(kind: kind, seed: seed, seconds: seconds)
    try look.adjust(&script)
    let camera = try look.camera(for: script)
    let base = output.hasSuffix(".mp4") ? String(output.dropLast(4)) : output
    try Directories.create(Directories.folder(of: base))
    let scenario = Scenario(script: script)
    var progress = Progress(label: "\(kind.rawValue) seed \(seed)")
    let labels = try ClipWriter(camera: camera, crf: crf).write(scenario, to: base) {
      progress.report($0, $1)
    }
    print(
      "wrote \(base).mp4 and \(base).json: \(labels.frames.count) frames, \(labels.weather.rawValue) \(labels.light.rawValue), \(labels.nearMisses.count) near miss(es)"
    )
    for miss in labels.nearMisses {
      print(
        "  track \(miss.track): \(miss.start)...\(miss.end) s, peak \(miss.peak) s, min TTC \(miss.minTTCS) s"
      )
    }
  }
}
