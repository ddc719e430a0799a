import Testing

@testable import Perception

@Suite struct KalmanBoxFilterTests {
  @Test func velocityConvergesOnAConstantVelocityBox() {
    var filter = KalmanBoxFilter(box: BoundingBox(centerX: 100, centerY: 50, width: 40, height: 30))
    for step in 1...30 {
      filter.predict()
      let t = Double(step)
      filter.update(with: BoundingBox(centerX: 100 + 5 * t, centerY: 50 - 2 * t, width: 40, height: 30))
    }
    #expect(abs(filter.velocity.x - 5) < 0.05 && abs(filter.velocity.y + 2) < 0.05)
    // One more prediction lands on the next true position.
    filter.predict()
    #expect(abs(filter.box.centerX - 255) < 0.5 && abs(filter.box.centerY + 12) < 0.5)
    #expect(abs(filter.box.width - 40) < 0.1 && abs(filter.box.height - 30) < 0.1)
  }

  @Test func freezingHeightStopsGrowthWhileLost() {
    var filter = KalmanBoxFilter(box: BoundingBox(centerX: 100, centerY: 100, width: 20, height: 20))
    for step in 1...20 {
      filter.predict()
      filter.update(
        with: BoundingBox(centerX: 100, centerY: 100, width: 20 + Double(step), height: 20 + Double(step)))
    }
    let height = filter.box.height
    for _ in 0..<5 { filter.predict(freezeHeight: true) }
    #expect(abs(filter.box.height - height) < 1e-9)
  }
}
