import Engine

@testable import LinkEmulation

#if canImport(Glibc)
  import Glibc
#endif

/// Monotonic seconds and sleeps for the tests.
enum Seconds {
  static func now() -> Double { MonotonicClock.seconds() }

  static func sleep(_ seconds: Double) {
    usleep(UInt32(seconds * 1e6))
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
      ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }
}
