import CKernels
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A fixed set of worker threads for data-parallel loops inside kernels.
///
/// `parallelFor` splits `0..<count` among the caller and `threadCount - 1` workers, which take
/// items through an atomic counter; with one thread it runs inline with no synchronisation.
/// Hiyari keeps OpenBLAS single-threaded and parallelises here, so the two never oversubscribe.
///
/// A model runs dozens of parallel loops per inference, microseconds apart, so a sleeping
/// worker's wake-up (a futex round trip, tens of microseconds) would cost more than many loops
/// take. Workers therefore spin on the job counter for a while after each loop (about a
/// millisecond) before they sleep on a condition variable; between frames they sleep.
public final class ThreadPool: @unchecked Sendable {
  // Safety: `job` is written by the caller before it publishes a new `generation` (release) and
  // read by workers after they observe it (acquire); the caller clears it only after `pending`
  // shows every worker done with it. `stopping` and the sleep handshake use the lock.
  public let threadCount: Int
  private var lock = pthread_mutex_t()
  private var wake = pthread_cond_t()
  private var workers: [pthread_t] = []
  private var job: (count: Int, body: (Int) -> Void)?
  private let generation = Atomic<Int>(0)
  private let pending = Atomic<Int>(0)
  private let sleepers = Atomic<Int>(0)
  private let stopping = Atomic<Bool>(false)
  private let next = Atomic<Int>(0)
  /// Polls of the job counter before a worker sleeps.
  private static let spinLimit = 200_000

  public init(threads: Int) {
    threadCount = max(1, threads)
    pthread_mutex_init(&lock, nil)
    pthread_cond_init(&wake, nil)
    for _ in 1..<threadCount {
      var thread = pthread_t()
      let context = Unmanaged.passRetained(self).toOpaque()
      if pthread_create(
        &thread, nil,
        { context in
          let pool = Unmanaged<ThreadPool>.fromOpaque(context!).takeRetainedValue()
          pool.workerLoop()
          return nil
        }, context) == 0
      {
        workers.append(thread)
      } else {
        Unmanaged<ThreadPool>.fromOpaque(context).release()
      }
    }
  }

  /// Stops the workers; call before dropping the pool (workers hold a reference to it).
  public func shutdown() {
    pthread_mutex_lock(&lock)
    stopping.store(true, ordering: .sequentiallyConsistent)
    pthread_cond_broadcast(&wake)
    pthread_mutex_unlock(&lock)
    for worker in workers { pthread_join(worker, nil) }
    workers.removeAll()
  }

  deinit {
    pthread_cond_destroy(&wake)
    pthread_mutex_destroy(&lock)
  }

  /// Runs `body(i)` for every i in 0..<count, spread over the pool; returns when all are done.
  public func parallelFor(_ count: Int, _ body: (Int) -> Void) {
    guard count > 0 else { return }
    if workers.isEmpty || count == 1 {
      for index in 0..<count { body(index) }
      return
    }
    withoutActuallyEscaping(body) { body in
      job = (count, body)
      next.store(0, ordering: .relaxed)
      pending.store(workers.count, ordering: .relaxed)
      generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
      if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
        pthread_mutex_lock(&lock)
        pthread_cond_broadcast(&wake)
        pthread_mutex_unlock(&lock)
      }
      drain(count, body)
      // The others finish their last items: a short wait, so spin (yielding the core now and then).
      var polls = 0
      while pending.load(ordering: .acquiring) > 0 {
        polls += 1
        if polls % 4096 == 0 { sched_yield() } else { hiyari_cpu_relax() }
      }
      job = nil
    }
  }

  /// Works on the published job; its copy of the closure is released on return, before the
  /// worker reports done (the caller's closure must not outlive `parallelFor`).
  @inline(never)
  private func runPublishedJob() {
    guard let work = job else { return }
    drain(work.count, work.body)
  }

  private func drain(_ count: Int, _ body: (Int) -> Void) {
    while true {
      let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
      if index >= count { return }
      body(index)
    }
  }

  private func workerLoop() {
    var seen = 0
    while true {
      var current = generation.load(ordering: .acquiring)
      var polls = 0
      while current == seen && !stopping.load(ordering: .relaxed) {
        if polls < Self.spinLimit {
          polls += 1
          hiyari_cpu_relax()
        } else {
          // Sleep: registered as a sleeper under the lock, then the generation re-checked, so a
          // caller that published after the check sees the sleeper and broadcasts.
          pthread_mutex_lock(&lock)
          sleepers.wrappingAdd(1, ordering: .sequentiallyConsistent)
          while generation.load(ordering: .sequentiallyConsistent) == seen
            && !stopping.load(ordering: .sequentiallyConsistent)
          {
            pthread_cond_wait(&wake, &lock)
          }
          sleepers.wrappingSubtract(1, ordering: .sequentiallyConsistent)
          pthread_mutex_unlock(&lock)
          polls = 0
        }
        current = generation.load(ordering: .acquiring)
      }
      if stopping.load(ordering: .acquiring) { return }
      seen = current
      runPublishedJob()
      pending.wrappingSubtract(1, ordering: .releasing)
    }
  }
}
