import Dispatch
import Glibc
import Testing

@testable import Capture

@Suite struct LatestFrameSourceTests {
  /// Every pixel of a synthetic frame equals its sequence number (mod 256).
  func isIntact(_ frame: Frame) -> Bool {
    let plane = frame.plane(0)
    for y in 0..<plane.rows {
      let row = plane.row(y).assumingMemoryBound(to: UInt8.self)
      for x in 0..<frame.width where row[x] != UInt8(truncatingIfNeeded: frame.sequence) { return false }
    }
    return true
  }

  @Test func aSlowConsumerGetsTheNewestFrameAndStaleOnesAreCounted() throws {
    let source = LatestFrameSource(SyntheticFrameSource(periodMicroseconds: 50, limit: 200))
    defer { source.close() }
    let first = try #require(try source.nextFrame())
    #expect(isIntact(first))
    let firstSequence = first.sequence
    // Be slower than any scheduler: wait until the producer has made all 200 frames.
    var waited = 0
    while source.statistics.delivered + source.statistics.skippedAsStale < 199, waited < 10_000 {
      usleep(1_000)
      waited += 1
    }
    let newest = try #require(try source.nextFrame())
    #expect(isIntact(newest))
    #expect(newest.sequence == 199, "only the newest frame is kept for a consumer that fell behind")
    #expect(try source.nextFrame() == nil)
    let statistics = source.statistics
    #expect(statistics.delivered == 2)
    // Every other frame was replaced unread: before the first was taken, and after it.
    #expect(firstSequence < 199)
    #expect(statistics.skippedAsStale == 198)
  }

  @Test func aConsumerThatKeepsUpSeesEveryFrame() throws {
    // The producer makes frame n+1 only after the consumer took frame n: keeping up, without
    // depending on how fast this machine schedules threads.
    let gate = DispatchSemaphore(value: 0)
    let source = LatestFrameSource(SyntheticFrameSource(periodMicroseconds: 100, limit: 50, gate: gate))
    defer { source.close() }
    var sequences: [Int64] = []
    while let frame = try source.nextFrame() {
      sequences.append(frame.sequence)
      gate.signal()
    }
    #expect(sequences == Array(0..<50))
    #expect(source.statistics.skippedAsStale == 0)
  }

  @Test func theInnerSourcesFailureReachesTheConsumer() {
    let failure = CaptureError(source: "synthetic", kind: .disconnected, reason: "gone")
    let source = LatestFrameSource(SyntheticFrameSource(periodMicroseconds: 100, limit: 3, failure: failure))
    defer { source.close() }
    #expect(throws: failure) {
      for _ in 0..<10 { _ = try source.nextFrame() }
    }
  }

  @Test func closeStopsTheThreadAndLaterCallsFail() throws {
    let source = LatestFrameSource(SyntheticFrameSource(periodMicroseconds: 1_000, limit: .max))
    _ = try source.nextFrame()
    source.close()
    #expect(throws: CaptureError.self) { _ = try source.nextFrame() }
  }
}
