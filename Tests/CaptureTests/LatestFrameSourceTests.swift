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

  @Test func aSlowConsumerGetsTheNewestFramesAndStaleOnesAreCounted() throws {
    let source = LatestFrameSource(SyntheticFrameSource(periodMicroseconds: 1_000, limit: 200))
    defer { source.close() }
    var sequences: [Int64] = []
    while let frame = try source.nextFrame() {
      #expect(isIntact(frame))
      sequences.append(frame.sequence)
      usleep(5_000)  // five producer periods per consumed frame
    }
    #expect(sequences == sequences.sorted() && Set(sequences).count == sequences.count)
    #expect(sequences.count < 100, "a consumer 5x slower than the producer must see far fewer frames")
    let statistics = source.statistics
    #expect(statistics.delivered == Int64(sequences.count))
    #expect(statistics.skippedAsStale > 0)
    // Every produced frame was either delivered or skipped, except at most the one being written.
    #expect(statistics.delivered + statistics.skippedAsStale >= 199)
  }

  @Test func aFastConsumerSeesEveryFrame() throws {
    let source = LatestFrameSource(SyntheticFrameSource(periodMicroseconds: 2_000, limit: 50))
    defer { source.close() }
    var sequences: [Int64] = []
    while let frame = try source.nextFrame() { sequences.append(frame.sequence) }
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
