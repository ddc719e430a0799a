import Foundation
import Testing

@testable import Engine

/// Random mutations of real model bytes: each must decode or throw a `ProtobufError` (never
/// trap or hang), whatever decodes must re-encode to bytes that decode to the same message, and
/// the importer must refuse or accept it with a `GraphError`.
@Suite struct ProtobufFuzzTests {
  /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
  struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9e37_79b9_7f4a_7c15
      var z = state
      z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
      z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
      return z ^ (z >> 31)
    }
  }

  /// Models to mutate: the kitchen-sink sample, and real ones the importer tests build.
  static var seeds: [[UInt8]] {
    [
      ONNXMessageSamples.model.serializedBytes(),
      ImportRewriteTests.convBatchNorm(bias: true).serializedBytes(),
      ONNXImporterTests.constantsModel().serializedBytes(),
      ImportRewriteTests.convThen(
        [ONNXTestModels.node("Clip", ["c"], ["y"], [ONNXTestModels.attribute("min", float: 0)])], opset: 9
      )
      .serializedBytes(),
    ]
  }

  static func mutate(_ original: [UInt8], _ random: inout SplitMix) -> [UInt8] {
    var bytes = original
    for _ in 0..<Int.random(in: 1...4, using: &random) {
      guard !bytes.isEmpty else { return [UInt8.random(in: 0...255, using: &random)] }
      let at = Int.random(in: 0..<bytes.count, using: &random)
      switch Int.random(in: 0..<8, using: &random) {
      case 0: bytes[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &random)  // flip a bit
      case 1: bytes[at] = UInt8.random(in: 0...255, using: &random)  // replace a byte
      // Varint-breaking bytes.
      case 2: bytes[at] = [0x00, 0x7f, 0x80, 0xff][Int.random(in: 0..<4, using: &random)]
      // Delete a run.
      case 3: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &random)))
      case 4:  // insert random bytes
        bytes.insert(
          contentsOf: (0..<Int.random(in: 1...8, using: &random)).map { _ in
            UInt8.random(in: 0...255, using: &random)
          }, at: at)
      case 5:  // duplicate a run (repeats fields, or breaks lengths)
        let end = min(bytes.count, at + Int.random(in: 1...64, using: &random))
        bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &random))
      case 6: bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))  // truncate
      default:  // overwrite with a huge varint (a length or count near 2^64)
        let huge: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        bytes.replaceSubrange(
          at..<min(bytes.count, at + 1), with: huge.prefix(Int.random(in: 1...10, using: &random)))
      }
    }
    return bytes
  }

  @Test(.timeLimit(.minutes(5))) func mutatedModelsDecodeOrThrow() throws {
    let seeds = Self.seeds
    var random = SplitMix(state: 0x4869_7961_7269)
    var decoded = 0
    var refused = 0
    let started = ContinuousClock.now
    for iteration in 0..<2_000 {
      let seed = seeds[iteration % seeds.count]
      let bytes = Self.mutate(seed, &random)
      let model: Onnx_ModelProto
      do {
        model = try Onnx_ModelProto(serializedBytes: bytes)
      } catch {
        refused += 1
        #expect(error.offset >= 0 && error.offset <= bytes.count, "iteration \(iteration): \(error)")
        #expect(!error.description.isEmpty)
        continue
      }
      decoded += 1
      // What decodes re-encodes canonically: a second round trip changes nothing.
      let canonical = model.serializedBytes()
      let again = try Onnx_ModelProto(serializedBytes: canonical)
      #expect(again.serializedBytes() == canonical, "iteration \(iteration)")
      // The importer refuses or accepts it, with a GraphError at worst.
      _ = try? importONNX(bytes: bytes, options: .literal)
    }
    #expect(decoded > 100 && refused > 100, "decoded \(decoded), refused \(refused)")
    #expect(ContinuousClock.now - started < .seconds(240))
  }

  @Test func randomBytesDecodeOrThrow() throws {
    var random = SplitMix(state: 7)
    for _ in 0..<2_000 {
      let bytes = (0..<Int.random(in: 0..<256, using: &random)).map { _ in
        UInt8.random(in: 0...255, using: &random)
      }
      for decode in [
        { _ = try Onnx_ModelProto(serializedBytes: bytes) },
        { _ = try Onnx_TensorProto(serializedBytes: bytes) },
        { _ = try Onnx_TypeProto(serializedBytes: bytes) },
        { _ = try Onnx_AttributeProto(serializedBytes: bytes) },
      ] as [() throws -> Void] {
        do { try decode() } catch let error as ProtobufError { #expect(error.offset <= bytes.count) }
      }
    }
  }
}
