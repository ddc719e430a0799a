import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Runs cleanup on SIGINT or SIGTERM, then exits with 128 + the signal's number: for commands
/// that change the machine (cgroups, helper processes) and must not leave it changed when a
/// user presses Ctrl-C. The sources must stay alive: keep the returned value until done.
struct InterruptHandler {
  let sources: [any DispatchSourceSignal]

  init(_ cleanup: @escaping @Sendable () -> Void) {
    sources = [SIGINT, SIGTERM].map { number in
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        printNotice("interrupted: cleaning up")
        cleanup()
        exit(128 + number)
      }
      source.resume()
      return source
    }
  }

  /// Restores the default handling.
  func cancel() {
    for source in sources { source.cancel() }
    signal(SIGINT, SIG_DFL)
    signal(SIGTERM, SIG_DFL)
  }
}
