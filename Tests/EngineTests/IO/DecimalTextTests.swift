import Engine
import Testing

@Suite struct DecimalTextTests {
  @Test(arguments: [
    (0.0, 2, "0.00"), (1.005, 1, "1.0"), (2.5, 0, "3"), (-2.5, 0, "-3"), (12.375, 2, "12.38"),
    (-0.004, 2, "0.00"), (-0.006, 2, "-0.01"), (0.05, 3, "0.050"), (1234567.891, 1, "1234567.9"),
    (99.96, 1, "100.0"),
  ])
  func roundsToTheGivenPlaces(value: Double, places: Int, text: String) {
    #expect(DecimalText.fixed(value, places: places) == text)
  }

  @Test func nonFiniteAndHugeValuesAreNotMangled() {
    #expect(DecimalText.fixed(.infinity, places: 2) == "inf")
    #expect(DecimalText.fixed(.nan, places: 1) == "nan")
    #expect(DecimalText.fixed(1e300, places: 2) == "\(1e300)")
  }
}
