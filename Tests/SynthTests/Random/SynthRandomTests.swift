import Testing

@testable import Synth

@Suite struct SynthRandomTests {
  @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
    var a = SynthRandom(seed: 7)
    var b = SynthRandom(seed: 7)
    var c = SynthRandom(seed: 8)
    var d = SynthRandom(seed: 7, stream: 1)
    let first = (0..<16).map { _ in a.next() }
    #expect(first == (0..<16).map { _ in b.next() })
    #expect(first != (0..<16).map { _ in c.next() })
    #expect(first != (0..<16).map { _ in d.next() })
  }

  @Test func uniformStaysInRangeAndCoversIt() {
    var random = SynthRandom(seed: 3)
    let values = (0..<10_000).map { _ in random.uniform(2, 5) }
    #expect(values.allSatisfy { $0 >= 2 && $0 < 5 })
    #expect(values.min()! < 2.01 && values.max()! > 4.99)
    let mean = values.reduce(0, +) / Double(values.count)
    #expect(abs(mean - 3.5) < 0.05)
  }
}
