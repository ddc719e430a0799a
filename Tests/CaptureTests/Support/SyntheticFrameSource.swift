import Dispatch
import Glibc

@testable import Capture

/// A live source stand-in that produces numbered gray frames at a fixed period, for testing the
/// logic around sources (mailbox, statistics, shutdown); real sources are tested on real devices
/// and real files elsewhere.
final class SyntheticFrameSource: FrameSource, @unchecked Sendable {
  let name = "synthetic"
  let isLive = true
  private(set) var statistics = CaptureStatistics()
  private let frame = Frame()
  private let pixels: UnsafeMutablePointer<UInt8>
  private let periodMicroseconds: UInt32
  private let limit: Int64
  private let failure: CaptureError?
  private var produced: Int64 = 0
  /// When set, each frame after the first waits for one signal (the consumer taking the last).
  private let gate: DispatchSemaphore?
  let width = 8
  let height = 4

  /// Produces `limit` frames, then ends (or throws `failure`).
  init(periodMicroseconds: UInt32, limit: Int64, failure: CaptureError? = nil, gate: DispatchSemaphore? = nil)
  {
    self.gate = gate
    self.periodMicroseconds = periodMicroseconds
    self.limit = limit
    self.failure = failure
    pixels = .allocate(capacity: 64)
  }

  deinit { pixels.deallocate() }

  func nextFrame() throws(CaptureError) -> Frame? {
    if produced == limit {
      if let failure { throw failure }
      return nil
    }
    if produced > 0 { gate?.wait() }
    usleep(periodMicroseconds)
    // Every pixel of frame n holds n, so a torn or stale copy is detectable.
    pixels.update(repeating: UInt8(truncatingIfNeeded: produced), count: width * height)
    frame.assign(
      format: .gray8, width: width, height: height, timestampNanoseconds: produced * 1_000_000,
      sequence: produced)
    frame.setPlanes(FramePlane(base: pixels, bytesPerRow: width, rows: height))
    produced += 1
    statistics.delivered += 1
    return frame
  }

  func close() {}
}
