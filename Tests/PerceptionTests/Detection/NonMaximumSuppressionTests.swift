import Testing

@testable import Perception

@Suite struct NonMaximumSuppressionTests {
  static func detection(_ x: Double, _ score: Double, _ classIndex: Int = 0) -> Detection {
    Detection(
      box: BoundingBox(minX: x, minY: 0, maxX: x + 10, maxY: 10), score: score, classIndex: classIndex)
  }

  @Test func overlappingBoxOfTheSameClassIsSuppressed() {
    // IoU of boxes shifted by 1 of 10: 90 / 110 = 0.82.
    let kept = NonMaximumSuppression.apply(
      [Self.detection(1, 0.8), Self.detection(0, 0.9)], iouThreshold: 0.5, maximumKept: 10)
    #expect(kept == [Self.detection(0, 0.9)])
  }

  @Test func overlappingBoxesOfDifferentClassesAreBothKept() {
    let kept = NonMaximumSuppression.apply(
      [Self.detection(0, 0.9, 0), Self.detection(1, 0.8, 1)], iouThreshold: 0.5, maximumKept: 10)
    #expect(kept.count == 2)
  }

  @Test func overlapAtTheThresholdIsKept() {
    // Shifted by 5: IoU 50 / 150 = 1/3; kept at threshold 0.4, suppressed at 0.3.
    let boxes = [Self.detection(0, 0.9), Self.detection(5, 0.8)]
    #expect(NonMaximumSuppression.apply(boxes, iouThreshold: 0.4, maximumKept: 10).count == 2)
    #expect(NonMaximumSuppression.apply(boxes, iouThreshold: 0.3, maximumKept: 10).count == 1)
  }

  @Test func aSuppressedBoxDoesNotSuppressOthers() {
    // B overlaps A and C; A suppresses B, so C (which only B overlapped) survives.
    let kept = NonMaximumSuppression.apply(
      [Self.detection(0, 0.9), Self.detection(3, 0.8), Self.detection(6, 0.7)], iouThreshold: 0.4,
      maximumKept: 10)
    #expect(kept.map(\.box.minX) == [0, 6])
  }

  @Test func resultIsBoundedAndSortedByScore() {
    let boxes = (0..<20).map { Self.detection(Double($0) * 20, Double($0) / 20) }
    let kept = NonMaximumSuppression.apply(boxes, iouThreshold: 0.5, maximumKept: 5)
    #expect(kept.map(\.box.minX) == [380, 360, 340, 320, 300])
  }
}
