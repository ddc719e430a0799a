import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A fixed set of worker threads for data-parallel loops inside kernels.
///
/// `parallelFor` splits `0..<count` among the caller and `threadCount - 1` workers, which take
/// items through an atomic counter; with one thread it runs inline with no synchronisation.
/// Hiyari keeps OpenBLAS single-threaded and parallelises here, so the two never oversubscribe.
public final class ThreadPool: @unchecked Sendable {
  // Safety: `job`, `generation` and `stopping` are guarded by `lock`; workers read `job` only
  // after seeing a new generation under the lock, and the caller waits for `active == 0` before
  // the job's closure goes out of scope.
  public let threadCount: Int
  private var lock = pthread_mutex_t()
  private var wake = pthread_cond_t()
  private var done = pthread_cond_t()
  private var workers: [pthread_t] = []
  private var generation = 0
  private var active = 0
  private var stopping = false
  private var job: (count: Int, body: (Int) -> Void)?
  private let next = Atomic<Int>(0)

  public init(threads: Int) {
    threadCount = max(1, threads)
    pthread_mutex_init(&lock, nil)
    pthread_cond_init(&wake, nil)
    pthread_cond_init(&done, nil)
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
    stopping = true
    pthread_cond_broadcast(&wake)
    pthread_mutex_unlock(&lock)
    for worker in workers { pthread_join(worker, nil) }
    workers.removeAll()
  }

  deinit {
    pthread_cond_destroy(&wake)
    pthread_cond_destroy(&done)
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
      next.store(0, ordering: .relaxed)
      pthread_mutex_lock(&lock)
      job = (count, body)
      generation &+= 1
      active = workers.count
      pthread_cond_broadcast(&wake)
      pthread_mutex_unlock(&lock)
      drain(count, body)
      pthread_mutex_lock(&lock)
      while active > 0 { pthread_cond_wait(&done, &lock) }
      job = nil
      pthread_mutex_unlock(&lock)
    }
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
    pthread_mutex_lock(&lock)
    while true {
      while generation == seen && !stopping { pthread_cond_wait(&wake, &lock) }
      if stopping {
        pthread_mutex_unlock(&lock)
        return
      }
      seen = generation
      let current = job!
      pthread_mutex_unlock(&lock)
      drain(current.count, current.body)
      pthread_mutex_lock(&lock)
      active -= 1
      if active == 0 { pthread_cond_signal(&done) }
    }
  }
}
