import ArgumentParser
import Capture
import Engine
import Synth

/// `hiyari-synth preview`: one frame as a PNG, to look at.
struct PreviewCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "preview", abstract: "Render one frame of a scenario to a PNG.")

  @Option(help: "Seed.")
  var seed: UInt64 = 1

  @Option(help: "Scenario kind (default: drawn from the seed).")
  var kind: String?

  @Option(help: "Seconds into the scenario (default: the middle).")
  var time: Double?

  @OptionGroup var look: LookOptions

  @Flag(help: "Outline the label boxes.")
  var boxes = false

  @Option(name: .shortAndLong, help: "Output PNG path.")
  var output: String

  func run() throws {
    let kinds = ScenarioKind.allCases
    let kind = try kind.map(parseKind) ?? kinds[Int(seed % UInt64(kinds.count))]
    var script = ScenarioScript.random(kind: kind, seed: seed)
    try look.adjust(&script)
    let camera = try look.camera(for: script)
    let scenario = Scenario(script: script)
    let frame = Int(((time ?? script.seconds / 2) * scenario.fps).rounded())
    let renderer = SceneRenderer()
    var (image, labels) = renderer.render(scenario, frame: frame, camera: camera)
    if boxes { image = image.outlining(labels.objects.map(\.box)) }
    try Directories.create(Directories.folder(of: output))
    try image.withFrame { try PNGWriter().write($0, to: output) }
    print(
      "wrote \(output): \(kind.rawValue) seed \(seed) frame \(frame), \(script.conditions.weather.rawValue) \(script.conditions.light.rawValue), \(labels.objects.count) labelled object(s)"
    )
    for object in labels.objects {
      let box = object.box.map { String(Int($0.rounded())) }.joined(separator: ",")
      print(
        "  track \(object.track) \(object.objectClass.rawValue) box [\(box)] visible \(Int(object.visible * 100))% z \(Int(object.positionM[2])) m\(object.ttcS.map { " ttc \($0)" } ?? "")"
      )
    }
  }
}
