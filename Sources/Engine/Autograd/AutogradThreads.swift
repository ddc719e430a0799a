import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The worker threads autograd's heavy operations (convolutions) split their work over:
/// images in a batch for dense convolutions, channels for depthwise ones. One thread (inline)
/// by default; a training command sets more once, before it starts, and never while operations
/// run. The pool runs one loop at a time; a loop started on another thread meanwhile runs inline. OpenBLAS stays single-threaded inside.
public enum AutogradThreads {
  private static let shared = Mutex<ThreadPool?>(nil)
  /// Set while a loop runs on the pool: a caller on another thread meanwhile runs inline.
  private static let busy = Atomic<Bool>(false)

  /// Uses `count` threads (the caller included) from now on; nothing changes when that many are
  /// already in use. Results do not depend on the count: work is split the same way and partial
  /// sums are added in the same order whatever the number of threads.
  public static func use(_ count: Int) {
    BLAS.configure()
    // A loop running on the pool (from another thread) must end before its workers are
    // stopped, or it would wait for them forever: take the pool as a loop would.
    while !busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
      sched_yield()
    }
    defer { busy.store(false, ordering: .releasing) }
    let previous = shared.withLock { pool -> ThreadPool? in
      guard (pool?.threadCount ?? 1) != Swift.max(1, count) else { return nil }
      let old = pool
      pool = count > 1 ? ThreadPool(threads: count) : nil
      return old
    }
    previous?.shutdown()
  }

  /// The number of threads in use.
  public static var count: Int { shared.withLock { $0?.threadCount ?? 1 } }

  /// Runs `body(task)` for every task in 0..<count, spread over the threads.
  static func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    // The pool is taken before it is read, so `use` cannot replace it under a running loop.
    if busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged {
      defer { busy.store(false, ordering: .releasing) }
      if let pool = shared.withLock({ $0 }) {
        pool.parallelFor(count, body)
        return
      }
    }
    for task in 0..<count { body(task) }
  }
}
