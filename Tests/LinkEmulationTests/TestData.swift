/// Test payloads that show any corruption or reordering: a byte stream from a linear
/// congruential generator, so no two nearby segments look alike.
enum TestData {
  static func pattern(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
  }
}
