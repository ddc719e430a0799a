/// Deterministic jitter: uniform in [-amplitude, +amplitude] from a SplitMix64 stream, so a run
/// with the same seed sees the same delays in the same order.
struct JitterSource {
  var state: UInt64
  let amplitude: Double

  init(seed: UInt64, amplitude: Double) {
    state = seed
    self.amplitude = amplitude
  }

  mutating func nextRaw() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// The next offset in seconds.
  mutating func next() -> Double {
    guard amplitude > 0 else { return 0 }
    let unit = Double(nextRaw() >> 11) / Double(1 << 53)
    return (unit * 2 - 1) * amplitude
  }
}
