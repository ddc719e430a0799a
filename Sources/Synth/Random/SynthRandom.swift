/// The generator's own seeded random stream (xoshiro256** seeded through SplitMix64).
///
/// Synth never touches the system's random source: every scene, scenario and noise pattern is a
/// pure function of its seed, so a seed names a clip exactly on any machine.
public struct SynthRandom: RandomNumberGenerator, Sendable {
  private var state: (UInt64, UInt64, UInt64, UInt64)

  /// A stream for `seed`; `stream` separates independent streams drawn from one seed (for
  /// example the scenario's actors and the per-frame sensor noise).
  public init(seed: UInt64, stream: UInt64 = 0) {
    var mixer = seed ^ (stream &* 0xD1B5_4A32_D192_ED03)
    state = (
      SynthRandom.splitMix(&mixer), SynthRandom.splitMix(&mixer), SynthRandom.splitMix(&mixer),
      SynthRandom.splitMix(&mixer)
    )
  }

  static func splitMix(_ x: inout UInt64) -> UInt64 {
    x &+= 0x9E37_79B9_7F4A_7C15
    var z = x
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A stateless 64-bit hash of a few integers (for per-pixel and per-cell patterns that must not
  /// depend on drawing order).
  @inlinable
  public static func hash(_ a: UInt64, _ b: UInt64 = 0, _ c: UInt64 = 0) -> UInt64 {
    var z = a &* 0x9E37_79B9_7F4A_7C15 ^ (b &+ 0x632B_E59B_D9B4_E019) &* 0xBF58_476D_1CE4_E5B9
    z ^= c &* 0x94D0_49BB_1331_11EB
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  public mutating func next() -> UInt64 {
    let result = rotate(state.1 &* 5, 7) &* 9
    let t = state.1 << 17
    state.2 ^= state.0
    state.3 ^= state.1
    state.1 ^= state.2
    state.0 ^= state.3
    state.2 ^= t
    state.3 = rotate(state.3, 45)
    return result
  }

  private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

  /// Uniform in [0, 1).
  public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

  /// Uniform in [low, high).
  public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

  /// Uniform integer in `range`.
  public mutating func integer(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
  }

  /// True with probability `p`.
  public mutating func chance(_ p: Double) -> Bool { unit() < p }

  /// +1 or -1 with equal odds.
  public mutating func sign() -> Double { chance(0.5) ? 1 : -1 }

  /// One element of a non-empty array.
  public mutating func pick<T>(_ items: [T]) -> T { items[integer(0...(items.count - 1))] }

  /// One element, chosen with the given weights.
  public mutating func pick<T>(_ items: [(T, Double)]) -> T {
    let total = items.reduce(0) { $0 + $1.1 }
    var x = unit() * total
    for (item, weight) in items {
      x -= weight
      if x < 0 { return item }
    }
    return items[items.count - 1].0
  }
}
