#if canImport(Glibc)
  import Glibc
#endif

/// CLOCK_MONOTONIC, for timing nodes and runs and for schedules a wall-clock step must not move.
public enum MonotonicClock {
  @inline(__always) public static func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
  }

  /// Seconds, as a Double.
  @inline(__always) public static func seconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
  }
}
