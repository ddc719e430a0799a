#if canImport(Glibc)
  import Glibc
#endif

/// What the controlling threads ask of the relay's event loop, under the relay's mutex.
struct RelayControl {
  /// Monotonic time until which the link holds data.
  var stalledUntil = 0.0
  /// True from `cut()` to `restore()`.
  var isCut = false
  /// Bumped by each `cut()`, so the loop resets connections even if `restore()` came first.
  var cutGeneration = 0
  var stopping = false
  /// Monotonic time that traces count from; nil until `restartTraces()`, which means the loop's
  /// start.
  var traceOrigin: Double?
  var statistics = RelayStatistics()
  /// The event loop's thread, for `stop()` to join.
  var thread: pthread_t?
}
