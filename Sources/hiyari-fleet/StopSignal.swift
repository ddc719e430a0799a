/// Where the signal handlers of `hiyari-fleet serve` write: a C signal handler cannot capture
/// context, so the descriptor is a global, set once before any handler is installed.
enum StopSignal {
  nonisolated(unsafe) static var writeFD: Int32 = -1
}
