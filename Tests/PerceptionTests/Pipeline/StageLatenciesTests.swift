import Testing

@testable import Perception

@Suite struct StageLatenciesTests {
  @Test func percentilesAreNearestRankOverTheSamples() {
    var latencies = StageLatencies()
    for milliseconds in (1...100).reversed() {
      latencies.record(.inference, nanoseconds: Int64(milliseconds) * 1_000_000)
    }
    #expect(latencies.percentile(.inference, 50) == 50)
    #expect(latencies.percentile(.inference, 99) == 99)
    #expect(latencies.percentile(.inference, 100) == 100)
    #expect(latencies.percentile(.capture, 50) == nil)
    #expect(latencies.summary.map(\.stage) == [.inference])
    #expect(latencies.summary.first?.count == 100)
  }

  @Test func aLongRunKeepsBoundedEvenlySpreadSamples() {
    var latencies = StageLatencies()
    let total = StageLatencies.maximumSamples * 3
    for index in 0..<total { latencies.record(.tracking, nanoseconds: Int64(index)) }
    #expect(latencies.count(.tracking) == total)
    // Every other sample is dropped at the bound, so the median stays the run's median.
    let median = latencies.percentile(.tracking, 50)! * 1e6
    #expect(abs(median - Double(total) / 2) < Double(total) * 0.01)
  }
}
