#if canImport(Glibc)
  import Glibc
#endif

/// A joinable thread for a test's server or writer: blocking socket code stays off Swift
/// concurrency's small pool.
final class TestThread: @unchecked Sendable {
  // Set once in init, read once in join.
  private var thread = pthread_t()

  init(_ body: @escaping @Sendable () -> Void) {
    final class Box {
      let body: @Sendable () -> Void
      init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    let created = pthread_create(
      &thread, nil,
      { context in
        Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
        return nil
      }, context)
    precondition(created == 0)
  }

  func join() {
    pthread_join(thread, nil)
  }
}
