import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Per-lane scratch memory and task distribution for kernels that need a private buffer per
/// thread (im2col tiles, interpolated rows).
///
/// The thread count is only known when a kernel runs, so scratch is allocated at build time for
/// `LaneScratch.maximumLanes` lanes (the machine's online cores); a run uses at most
/// `min(pool threads, maximumLanes)` lanes, and each lane index is held by one thread at a time.
final class LaneScratch {
  /// Lanes a kernel may run with at most: the online processors, at least 1, at most 64.
  static let maximumLanes: Int = {
    let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
    return Swift.max(1, Swift.min(online > 0 ? online : 1, 64))
  }()

  let floatsPerLane: Int
  private let stride: Int
  private let storage: UnsafeMutablePointer<Float>

  /// Zero-filled scratch of `floatsPerLane` floats for each lane (64-byte aligned per lane).
  init(floatsPerLane: Int) {
    self.floatsPerLane = Swift.max(floatsPerLane, 0)
    stride = (self.floatsPerLane + 15) / 16 * 16
    let total = Swift.max(stride * LaneScratch.maximumLanes, 16)
    let raw = UnsafeMutableRawPointer.allocate(byteCount: total * 4, alignment: 64)
    storage = raw.initializeMemory(as: Float.self, repeating: 0, count: total)
  }

  deinit { storage.deallocate() }

  @inline(__always) func buffer(_ lane: Int) -> UnsafeMutablePointer<Float> { storage + lane * stride }
}

/// A shared task counter: lanes take tasks in order until none are left (dynamic balancing).
final class TaskCounter {
  private let next = Atomic<Int>(0)
  init() {}
  @inline(__always) func reset() { next.store(0, ordering: .relaxed) }
  @inline(__always) func take() -> Int { next.wrappingAdd(1, ordering: .relaxed).oldValue }
}

extension ThreadPool {
  /// Runs `body(task, lane)` for every task in `0..<count`, on at most `maximumLanes` lanes; a
  /// lane index is used by one thread at a time, so it can select a private scratch buffer.
  func forEachTask(
    _ count: Int, counter: TaskCounter, maximumLanes: Int = LaneScratch.maximumLanes,
    _ body: (_ task: Int, _ lane: Int) -> Void
  ) {
    guard count > 0 else { return }
    let lanes = Swift.min(threadCount, maximumLanes, count)
    if lanes <= 1 {
      for task in 0..<count { body(task, 0) }
      return
    }
    counter.reset()
    parallelFor(lanes) { lane in
      while true {
        let task = counter.take()
        if task >= count { return }
        body(task, lane)
      }
    }
  }

  /// Splits `0..<total` into about `chunk`-sized ranges and runs them across the pool.
  func forEachRange(_ total: Int, chunk: Int, _ body: (Range<Int>) -> Void) {
    guard total > 0 else { return }
    let size = Swift.max(1, chunk)
    let blocks = (total + size - 1) / size
    parallelFor(blocks) { block in
      let start = block * size
      body(start..<Swift.min(start + size, total))
    }
  }
}
