import Foundation
import Testing

@testable import Perception

/// `hiyari run` as a process, on the approaching-box clip: the built binary (beside this test
/// bundle in the build folder) prints event lines and a JSON summary, and writes the event log.
/// Kept with the pipeline's tests because it runs on the same clip and model.
@Suite struct RunCommandProcessTests {
  /// The `hiyari` executable of this build; missing is a failure that says how to build it.
  static func binary() throws -> String {
    let tests = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    var folder = URL(fileURLWithPath: tests).deletingLastPathComponent()
    // The test runner may sit inside a .xctest bundle folder.
    while !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("hiyari").path),
      folder.path != "/"
    {
      folder = folder.deletingLastPathComponent()
    }
    let path = folder.appendingPathComponent("hiyari").path
    guard FileManager.default.isExecutableFile(atPath: path) else {
      throw ToolFailure("no hiyari binary beside \(tests): build it with `swift build --product hiyari`")
    }
    return path
  }

  static func run(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
    try runProgram(try binary(), arguments)
  }

  @Test func runPrintsEventsAndAJSONSummaryAndLogsTheEvent() throws {
    let rig = try RunPipelineTests.Rig()
    let events = rig.folder.file("cli-events.jsonl")
    let answer = try Self.run([
      "run", "--source", rig.clip, "--model", rig.model, "--calibration", rig.calibration, "--events", events,
      "--clips", rig.folder.file("cli-clips"), "--pre-roll", "1", "--post-roll", "0.5", "--clip-floor-mb",
      "0",
      "--json",
    ])
    #expect(answer.status == 0, "\(answer.errors)")
    let summary = try JSONDecoder().decode(RunSummary.self, from: Data(answer.output.utf8))
    #expect(summary.frames == ApproachingBoxClip.frameCount)
    #expect(summary.events == 1 && summary.clips.count == 1 && summary.failure == nil)
    #expect(Set(summary.stages.map(\.stage)) == Set(PipelineStage.allCases).subtracting([.annotation]))
    // Under --json the event lines go to standard error, one alert and one event line.
    let lines = answer.errors.split(separator: "\n")
    let eventLines = lines.filter { $0.hasPrefix("event ") }
    #expect(eventLines.count == 1)
    #expect(eventLines.first?.contains("class=\(BrightBoxDetector.className) track=") == true)
    #expect(lines.contains { $0.hasPrefix("alert ") && $0.contains("risk=warning") })
    let log = try EventLog.read(path: events)
    #expect(log.events.count == 1)
    #expect(log.events.first?.clipPath == summary.clips.first?.path)
  }

  @Test func runNamesAMissingModelAndExitsWithOne() throws {
    let rig = try RunPipelineTests.Rig()
    let answer = try Self.run(["run", "--source", rig.clip, "--model", rig.folder.file("absent")])
    #expect(answer.status == 1)
    #expect(
      answer.errors.contains("error: model \(rig.folder.file("absent")): cannot open"), "\(answer.errors)")
  }
}
