#if canImport(Glibc)
  import Glibc
#endif

/// Nanoseconds of CLOCK_MONOTONIC, for timing nodes and runs.
public enum MonotonicClock {
  @inline(__always) public static func nanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
  }
}
