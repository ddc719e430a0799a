import FoundationEssentials
import Glibc
import Testing

@testable import Engine

@Suite struct CheckpointTests {
  static func temporaryPath(_ name: String) -> String {
    "/tmp/hiyari-checkpoint-\(getpid())-\(name).safetensors"
  }

  @Test func roundTripRestoresParametersStatisticsAndOptimizer() throws {
    let path = Self.temporaryPath("roundtrip")
    defer { unlink(path) }
    let network = GraphExporterTests.trainedNetwork([2, 3, 12, 20])
    let optimizer = AdamW(parameters: network.parameters)
    for parameter in network.parameters {
      parameter.variable.gradient = parameter.variable.value.map { $0 * 0.1 }
    }
    optimizer.step(learningRate: 0.01)
    try Checkpoint.save(network, optimizer: optimizer, metadata: ["step": "1"], to: path)

    let restored = TinyNetwork(seed: 99)
    let restoredOptimizer = AdamW(parameters: restored.parameters)
    let metadata = try Checkpoint.load(restored, optimizer: restoredOptimizer, from: path)
    #expect(metadata["step"] == "1")
    for (a, b) in zip(network.parameters, restored.parameters) {
      #expect(a.variable.value == b.variable.value)
    }
    for (a, b) in zip(network.normalizations, restored.normalizations) {
      #expect(
        a.layer.runningMean == b.layer.runningMean && a.layer.runningVariance == b.layer.runningVariance)
    }
    #expect(restoredOptimizer.steps == 1)
    #expect(restoredOptimizer.state().map(\.values) == optimizer.state().map(\.values))
  }

  @Test func refusesTruncatedAndMismatchedFiles() throws {
    let path = Self.temporaryPath("bad")
    defer { unlink(path) }
    let network = TinyNetwork(seed: 1)
    try Checkpoint.save(network, to: path)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    try DurableFile.write(Array(bytes.prefix(bytes.count / 2)), to: path)
    #expect(throws: TrainingError.self) { try Checkpoint.load(TinyNetwork(seed: 2), from: path) }
    // A file without optimizer state cannot restore an optimizer.
    try Checkpoint.save(network, to: path)
    let other = TinyNetwork(seed: 3)
    #expect(throws: TrainingError.self) {
      try Checkpoint.load(other, optimizer: AdamW(parameters: other.parameters), from: path)
    }
  }
}
