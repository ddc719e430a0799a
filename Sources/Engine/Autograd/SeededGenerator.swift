import Glibc

/// A deterministic pseudo-random generator (SplitMix64), so that weight initialisation,
/// augmentation and sample order repeat exactly for a seed on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in [0, 1).
  public mutating func uniform() -> Float { Float(next() >> 40) * (1.0 / Float(1 << 24)) }

  /// Uniform in [low, high).
  public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

  /// Standard normal (Box-Muller).
  public mutating func normal() -> Float {
    let u1 = Double(next() >> 11 | 1) * (1.0 / Double(UInt64(1) << 53))
    let u2 = Double(next() >> 11) * (1.0 / Double(UInt64(1) << 53))
    return Float((-2 * Glibc.log(u1)).squareRoot() * Glibc.cos(2 * Double.pi * u2))
  }

  /// A derived generator for an independent stream (e.g. one per image or per layer).
  public mutating func split() -> SeededGenerator { SeededGenerator(seed: next()) }
}
