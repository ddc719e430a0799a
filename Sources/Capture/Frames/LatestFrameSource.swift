#if canImport(Glibc)
  import Glibc
#endif

/// Runs a live source on its own thread and hands the consumer only the newest frame.
///
/// Three buffers rotate between the capture thread (writing), the mailbox (newest unread) and the
/// consumer (reading), so capture never waits for a slow consumer; a frame replaced in the mailbox
/// before it was read counts as `skippedAsStale`.
public final class LatestFrameSource: FrameSource, @unchecked Sendable {
  // Safety: every field below the lock is read and written only with `lock` held, except
  // `copies[writing]`, which belongs to the capture thread alone while it fills it.
  public var name: String { inner.name }
  public var isLive: Bool { true }

  private let inner: any FrameSource
  private let interrupt: () -> Void
  private var lock = pthread_mutex_t()
  private var changed = pthread_cond_t()
  private var thread: pthread_t?
  private let copies = [FrameCopy(), FrameCopy(), FrameCopy()]
  private var writing = 0
  private var mailbox: Int?
  private var reading: Int?
  private var failure: CaptureError?
  private var ended = false
  private var stopping = false
  private var stale: Int64 = 0
  private var delivered: Int64 = 0
  private var innerStatistics = CaptureStatistics()

  /// Starts pulling from `inner` at once. `interrupt` must make a blocked `inner.nextFrame()`
  /// return soon (it is called from `close()`).
  public init(_ inner: any FrameSource, interrupt: @escaping () -> Void = {}) {
    self.inner = inner
    self.interrupt = interrupt
    pthread_mutex_init(&lock, nil)
    pthread_cond_init(&changed, nil)
    let context = Unmanaged.passRetained(self).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(
      &thread, nil,
      { context in
        let source = Unmanaged<LatestFrameSource>.fromOpaque(context!).takeRetainedValue()
        source.captureLoop()
        return nil
      }, context)
    if status == 0 {
      self.thread = thread
    } else {
      Unmanaged<LatestFrameSource>.fromOpaque(context).release()
      failure = CaptureError(
        source: inner.name, kind: .systemError, reason: "cannot start the capture thread")
    }
  }

  convenience init(_ media: MediaSource) {
    self.init(media, interrupt: { [unowned media] in media.interrupt() })
  }

  deinit {
    pthread_cond_destroy(&changed)
    pthread_mutex_destroy(&lock)
  }

  public var statistics: CaptureStatistics {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    var result = innerStatistics
    result.skippedAsStale += stale
    result.delivered = delivered
    return result
  }

  public func nextFrame() throws(CaptureError) -> Frame? {
    pthread_mutex_lock(&lock)
    defer { pthread_mutex_unlock(&lock) }
    reading = nil
    if stopping { throw CaptureError(source: inner.name, kind: .closed, reason: "the source is closed") }
    while mailbox == nil && failure == nil && !ended && !stopping {
      pthread_cond_wait(&changed, &lock)
    }
    if let newest = mailbox {
      mailbox = nil
      reading = newest
      delivered += 1
      return copies[newest].frame
    }
    if let failure { throw failure }
    if stopping { throw CaptureError(source: inner.name, kind: .closed, reason: "the source is closed") }
    return nil
  }

  public func close() {
    pthread_mutex_lock(&lock)
    let wasRunning = !stopping
    stopping = true
    pthread_cond_broadcast(&changed)
    pthread_mutex_unlock(&lock)
    guard wasRunning, let thread else { return }
    interrupt()
    pthread_join(thread, nil)
    self.thread = nil
    inner.close()
  }

  private func captureLoop() {
    while true {
      pthread_mutex_lock(&lock)
      let stop = stopping
      pthread_mutex_unlock(&lock)
      if stop { return }
      let outcome: Result<Frame?, CaptureError> = Result { () throws(CaptureError) in try inner.nextFrame() }
      pthread_mutex_lock(&lock)
      defer {
        pthread_cond_broadcast(&changed)
        pthread_mutex_unlock(&lock)
      }
      innerStatistics = inner.statistics
      switch outcome {
      case .success(let frame?):
        // Copy outside the mailbox's reach: `writing` is never the mailbox or the reader's.
        pthread_mutex_unlock(&lock)
        copies[writing].copy(from: frame)
        pthread_mutex_lock(&lock)
        if let unread = mailbox {
          stale += 1
          mailbox = writing
          writing = unread
        } else {
          mailbox = writing
          writing = (0..<3).first { $0 != mailbox && $0 != reading }!
        }
      case .success(nil):
        ended = true
        return
      case .failure(let error):
        if !stopping { failure = error }
        return
      }
    }
  }
}
