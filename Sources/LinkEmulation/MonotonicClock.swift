#if canImport(Glibc)
  import Glibc
#endif

/// Seconds on CLOCK_MONOTONIC: every schedule in the emulator is in these units, so a wall-clock
/// step cannot move a delivery.
enum MonotonicClock {
  static func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
