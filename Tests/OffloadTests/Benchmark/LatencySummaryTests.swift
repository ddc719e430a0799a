import Testing

@testable import Offload

@Suite struct LatencySummaryTests {
  @Test func nearestRankMedianAndP90() throws {
    let five = try LatencySummary([5, 1, 4, 2, 3])
    #expect(five.medianMilliseconds == 3 && five.p90Milliseconds == 5 && five.count == 5)
    let ten = try LatencySummary((1...10).map(Double.init).reversed())
    #expect(ten.medianMilliseconds == 5 && ten.p90Milliseconds == 9)
    let one = try LatencySummary([7])
    #expect(one.medianMilliseconds == 7 && one.p90Milliseconds == 7)
  }

  @Test func rejectsEmptyAndNonFinite() {
    #expect(throws: OffloadError.self) { _ = try LatencySummary([]) }
    #expect(throws: OffloadError.self) { _ = try LatencySummary([1, .nan]) }
    #expect(throws: OffloadError.self) { _ = try LatencySummary([1, .infinity]) }
    #expect(throws: OffloadError.self) { _ = try LatencySummary([-1]) }
  }
}
