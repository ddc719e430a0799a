import ArgumentParser
import Engine
import FoundationEssentials
import Synth

/// `hiyari-synth dataset`: many clips across kinds, weather and light, with a manifest.
struct DatasetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dataset",
    abstract: "Render COUNT clips (kinds in turn, seeds from SEED) into DIR with manifest.json.")

  @Option(help: "Number of clips.")
  var count: Int

  @Option(help: "First seed; clip i uses seed + i.")
  var seed: UInt64 = 1

  @Option(help: "Frame size, WIDTHxHEIGHT.")
  var size: String = "640x384"

  @Option(help: "Seconds per clip (default: 10, long drives 60).")
  var seconds: Double?

  @Option(help: "x264 constant rate factor.")
  var crf: Double = 23

  @Option(name: .shortAndLong, help: "Output folder.")
  var output: String

  struct Entry: Codable {
    var file: String
    var labels: String
    var scenario: String
    var seed: UInt64
    var weather: String
    var light: String
    var frames: Int
    var nearMisses: Int

    enum CodingKeys: String, CodingKey {
      case file, labels, scenario, seed, weather, light, frames
      case nearMisses = "near_misses"
    }
  }

  func run() throws {
    guard (1...100_000).contains(count) else { throw ValidationError("--count must be within 1...100000") }
    try Directories.create(output)
    var look = LookOptions()
    look.size = size
    var entries: [Entry] = []
    let kinds = ScenarioKind.allCases
    var progress = Progress(label: "dataset")
    for index in 0..<count {
      let kind = kinds[index % kinds.count]
      let clipSeed = seed &+ UInt64(index)
      let length = seconds ?? (kind == .longDrive ? 60 : 10)
      let script = ScenarioScript.random(kind: kind, seed: clipSeed, seconds: length)
      let camera = try look.camera(for: script)
      let number = String(index)
      let name = String(repeating: "0", count: max(0, 5 - number.count)) + number + "-" + kind.rawValue
      let labels = try ClipWriter(camera: camera, crf: crf).write(
        Scenario(script: script), to: output + "/" + name)
      entries.append(
        Entry(
          file: name + ".mp4", labels: name + ".json", scenario: kind.rawValue, seed: clipSeed,
          weather: labels.weather.rawValue, light: labels.light.rawValue, frames: labels.frames.count,
          nearMisses: labels.nearMisses.count))
      progress.report(index, count)
    }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(Manifest(seed: seed, size: size, clips: entries))
    try data.withUnsafeBytes { try DurableFile.write($0, to: output + "/manifest.json") }
    print("wrote \(count) clip(s) and manifest.json to \(output)")
  }

  struct Manifest: Codable {
    var format = "hiyari-synth-dataset"
    var version = 1
    var seed: UInt64
    var size: String
    var clips: [Entry]
  }
}
