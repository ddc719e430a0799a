import Testing

@testable import Engine

/// Mutations for fuzzing the .npy and .npz readers, biased towards what breaks parsers: header
/// characters, length fields, boundary bytes, truncation and duplication.
enum NumPyFuzzing {
  /// Decodes `iterations` mutants of `seeds` (one to four mutations each); every one must decode
  /// or fail with a NumPyError that says something. Returns how many did each.
  static func run(
    seeds: [[UInt8]], seed: UInt64, iterations: Int = 3000, decode: ([UInt8]) throws -> Void
  ) -> (decoded: Int, rejected: Int) {
    var generator = SplitMix64(seed: seed)
    var outcomes = (decoded: 0, rejected: 0)
    for iteration in 0..<iterations {
      var bytes = seeds[iteration % seeds.count]
      for _ in 0...(generator.next() % 4) { mutate(&bytes, &generator) }
      do {
        try decode(bytes)
        outcomes.decoded += 1
      } catch let error as NumPyError {
        #expect(!error.description.isEmpty)
        outcomes.rejected += 1
      } catch {
        Issue.record("not a NumPyError: \(error)")
      }
    }
    return outcomes
  }

  static func mutate(_ bytes: inout [UInt8], _ generator: inout SplitMix64) {
    guard !bytes.isEmpty else { return }
    let position = Int(generator.next() % UInt64(bytes.count))
    switch generator.next() % 6 {
    case 0: bytes[position] ^= UInt8(1 << (generator.next() % 8))
    case 1: bytes[position] = [0, 0x7f, 0x80, 0xff, 0x27, 0x28, 0x29, 0x2c, 0x7d][Int(generator.next() % 9)]
    case 2: bytes.removeSubrange(position...)
    case 3:
      let end = min(bytes.count, position + Int(generator.next() % 64))
      bytes.insert(contentsOf: bytes[position..<end], at: position)
    case 4:
      // A 32-bit field set to a boundary value: sizes, offsets and counts in zip records.
      let value: UInt32 = [0, 0xFFFF_FFFF, 0x7FFF_FFFF, 0xFFFF, 1 << 31, 46][Int(generator.next() % 6)]
      for index in 0..<4 where position + index < bytes.count {
        bytes[position + index] = UInt8(truncatingIfNeeded: value >> (8 * index))
      }
    default:
      if let digit = bytes[position...].firstIndex(where: { (0x30...0x39).contains($0) }) {
        let huge = Array(["99999999999", "0", "4294967296", "65536", "9"][Int(generator.next() % 5)].utf8)
        bytes.replaceSubrange(digit...digit, with: huge)
      }
    }
  }
}
