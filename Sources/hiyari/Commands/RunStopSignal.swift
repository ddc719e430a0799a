import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The first SIGINT (Ctrl-C) asks `hiyari run` to stop cleanly; the handler then restores the
/// default action, so a second one ends the process at once.
enum RunStopSignal {
  private static let flag = Atomic<Bool>(false)

  static var requested: Bool { flag.load(ordering: .relaxed) }

  static func install() {
    // Only async-signal-safe work in the handler: an atomic store and signal().
    signal(SIGINT) { _ in
      RunStopSignal.flag.store(true, ordering: .relaxed)
      signal(SIGINT, SIG_DFL)
    }
  }
}
