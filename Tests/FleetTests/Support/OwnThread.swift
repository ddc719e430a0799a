#if canImport(Glibc)
  import Glibc
#endif

/// Runs blocking code (a synchronous `SplitMeasurer` that waits on async work) on a thread of its
/// own, off Swift concurrency's small pool, and awaits its result.
enum OwnThread {
  static func run<Value: Sendable>(_ body: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Value, any Error>) in
      let job = OwnThreadJob {
        continuation.resume(with: Result { try body() })
      }
      let context = Unmanaged.passRetained(job).toOpaque()
      var thread = pthread_t()
      let created = pthread_create(
        &thread, nil,
        { context in
          Unmanaged<OwnThreadJob>.fromOpaque(context!).takeRetainedValue().work()
          return nil
        }, context)
      if created == 0 {
        pthread_detach(thread)
      } else {
        Unmanaged<OwnThreadJob>.fromOpaque(context).release()
        continuation.resume(throwing: OwnThreadError(code: created))
      }
    }
  }
}

/// The work handed to the thread.
final class OwnThreadJob {
  let work: () -> Void
  init(_ work: @escaping () -> Void) { self.work = work }
}

/// pthread_create failed.
struct OwnThreadError: Error {
  var code: Int32
}
