import CFFmpeg
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// A per-operation deadline that libavformat's interrupt callback checks, so a stalled network
/// read or open returns instead of hanging.
final class IODeadline {
  let seconds: Double
  private var expiry: Int64 = .max
  private(set) var expired = false
  /// Set from another thread to make the current and every later operation stop at once.
  private let cancelled = Atomic<Bool>(false)

  init(seconds: Double) { self.seconds = seconds }

  /// Starts the clock for the next blocking operation.
  func arm() {
    // `expired` stays set: libav keeps an interrupted context's error, so later failures are that timeout too.
    expiry = IODeadline.now() + Int64(seconds * 1e9)
  }

  /// The callback record libavformat polls; `opaque` points at this object, which outlives the
  /// format context it is set on.
  var callback: AVIOInterruptCB {
    AVIOInterruptCB(
      callback: { opaque in
        guard let opaque else { return 0 }
        let deadline = Unmanaged<IODeadline>.fromOpaque(opaque).takeUnretainedValue()
        if deadline.cancelled.load(ordering: .relaxed) || IODeadline.now() > deadline.expiry {
          deadline.expired = true
          return 1
        }
        return 0
      },
      opaque: Unmanaged.passUnretained(self).toOpaque())
  }

  /// Aborts blocking libav calls from any thread.
  func cancel() { cancelled.store(true, ordering: .relaxed) }

  static func now() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
  }
}
