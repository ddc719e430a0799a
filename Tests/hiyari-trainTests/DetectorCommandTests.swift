import Engine
import Glibc
import Testing

@testable import hiyari_train

@Suite struct DetectorCommandTests {
  /// A fresh temporary folder.
  static func folder() -> String {
    var template = Array("/tmp/hiyari-train-test-XXXXXX".utf8CString)
    return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
  }

  static func train(seed: Int, to output: String, steps: Int = 2, extra: [String] = []) throws -> (
    fp32: String, int8: String
  ) {
    let command = try DetectorCommand.parse(
      [
        "--seed", String(seed), "--width-multiplier", "0.25", "--steps", String(steps), "--batch", "2",
        "--calibration-count", "2", "--evaluation-count", "0", "-o", output,
      ] + extra)
    try command.run()
    return (
      try ModelBundle(folder: "\(output)/fp32").identifier,
      try ModelBundle(folder: output).identifier
    )
  }

  @Test func aFewStepsAreDeterministicForASeed() throws {
    let first = try Self.train(seed: 3, to: Self.folder())
    let second = try Self.train(seed: 3, to: Self.folder())
    let other = try Self.train(seed: 4, to: Self.folder())
    #expect(first.fp32 == second.fp32 && first.int8 == second.int8)
    #expect(first.fp32 != other.fp32)
  }

  @Test func aResumedRunEndsWithTheUninterruptedWeights() throws {
    let checkpoint = Self.folder()
    let output = Self.folder()
    let uninterrupted = try Self.train(seed: 5, to: Self.folder(), steps: 3)
    // One step, then stop (the checkpoint is written every step), then resume to the end.
    _ = try Self.train(
      seed: 5, to: output, steps: 3,
      extra: ["--checkpoint", checkpoint, "--checkpoint-every", "1", "--stop-after", "1"])
    #expect(throws: (any Error).self) {
      _ = try Self.train(seed: 5, to: output, steps: 3, extra: ["--checkpoint", checkpoint])
    }
    let resumed = try Self.train(
      seed: 5, to: output, steps: 3, extra: ["--checkpoint", checkpoint, "--resume"])
    #expect(resumed.fp32 == uninterrupted.fp32)
  }
}
