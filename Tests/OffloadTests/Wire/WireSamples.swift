import Engine

@testable import Offload

/// Valid messages of every type, with tensors of every element type, for the codec tests.
enum WireSamples {
  static let hash = String(repeating: "ab", count: 32)

  static func tensor(_ type: ElementType, _ shape: [Int], quantization: Quantization? = nil, seed: UInt8)
    throws -> Tensor
  {
    let tensor = try Tensor(shape: shape, elementType: type, quantization: quantization)
    tensor.mutableBytes.withMemoryRebound(to: UInt8.self) { bytes in
      for index in bytes.indices { bytes[index] = UInt8(truncatingIfNeeded: index &* 31 &+ Int(seed)) }
    }
    return tensor
  }

  static func tensors() throws -> [(name: String, tensor: Tensor)] {
    [
      (
        "features", try tensor(.uint8, [1, 4, 3, 5], quantization: .init(scale: 0.02, zeroPoint: 3), seed: 1)
      ),
      (
        "signed",
        try tensor(
          .int8, [1, 2, 2], quantization: .init(scales: [0.1, 0.2], zeroPoints: [0, -1], axis: 1), seed: 2)
      ),
      ("logits", try tensor(.float32, [1, 3, 4], seed: 3)),
      ("indices", try tensor(.int32, [5], seed: 4)),
    ]
  }

  static func profile() -> DeviceProfile {
    DeviceProfile(
      model: hash,
      machine: MachineDescription(cpuModel: "test", architecture: "x86_64", cores: 2, features: ["avx2"]),
      date: "2026-11-22T00:00:00Z", threads: 1, runs: 3, nodeMilliseconds: ["a": 0.5, "b": 1.25],
      nodeOperators: ["a": "Conv", "b": "Relu"], tensorBytes: ["x": 12, "y": 4], totalMilliseconds: 1.75)
  }

  static func messages() throws -> [WireMessage] {
    let tensors = try tensors()
    return [
      .tailRequest(
        TailRequest(
          frameID: 42, modelHash: hash, cut: Cut(crossing: tensors.map(\.name)), budgetMicroseconds: 250_000,
          tensors: tensors)),
      .tailReply(TailReply(frameID: 42, serverSeconds: 0.0125, outputs: Array(tensors.prefix(2)))),
      .errorReply(ErrorReply(frameID: 7, code: .badCut, message: "not a cut")),
      .errorReply(ErrorReply(frameID: nil, code: .oversized, message: "too big")),
      .profileRequest(ProfileRequest(requestID: 1 << 63 + 1, modelHash: hash)),
      .profileReply(ProfileReply(requestID: 9, profile: profile())),
      .ping(Ping(requestID: 3, replyBytes: 100, payload: [1, 2, 3, 4])),
      .pong(Pong(requestID: 3, receivedBytes: 4, payload: [UInt8](repeating: 0, count: 100))),
    ]
  }

  static func bytes(_ tensors: [(name: String, tensor: Tensor)]) -> [[UInt8]] {
    tensors.map { Array($0.tensor.bytes) }
  }
}
