import Testing

@testable import Perception

/// AP on cases small enough to work out by hand.
@Suite struct AveragePrecisionTests {
  static func box(_ x: Double) -> BoundingBox { BoundingBox(minX: x, minY: 0, maxX: x + 10, maxY: 10) }
  static func truth(_ image: Int, _ x: Double, _ classIndex: Int = 0) -> LabeledBox {
    LabeledBox(image: image, box: box(x), classIndex: classIndex)
  }
  static func detection(_ image: Int, _ x: Double, _ score: Double, _ classIndex: Int = 0) -> ScoredBox {
    ScoredBox(image: image, detection: Detection(box: box(x), score: score, classIndex: classIndex))
  }

  /// AP of class 0, required to exist.
  static func averagePrecision(_ detections: [ScoredBox], _ truth: [LabeledBox]) throws -> Double {
    try #require(AveragePrecision.averagePrecision(detections: detections, groundTruth: truth, classIndex: 0))
  }

  @Test func perfectDetectionsScoreOne() throws {
    let truth = [Self.truth(0, 0), Self.truth(0, 50), Self.truth(1, 20)]
    let detections = [Self.detection(0, 0, 0.9), Self.detection(0, 50, 0.8), Self.detection(1, 20, 0.7)]
    let ap = try Self.averagePrecision(detections, truth)
    #expect(abs(ap - 1) < 1e-12)
  }

  @Test func knownPartialValue() throws {
    // Ranked: TP (P 1, R 1/2), FP (P 1/2, R 1/2), TP (P 2/3, R 1). Interpolated precision is 1
    // up to recall 1/2 and 2/3 after: AP = 1/2 · 1 + 1/2 · 2/3 = 5/6.
    let truth = [Self.truth(0, 0), Self.truth(1, 0)]
    let detections = [Self.detection(0, 0, 0.9), Self.detection(0, 100, 0.8), Self.detection(1, 0, 0.7)]
    let ap = try Self.averagePrecision(detections, truth)
    #expect(abs(ap - 5.0 / 6) < 1e-12)
  }

  @Test func interpolationUsesTheBestPrecisionToTheRight() throws {
    // FP, TP, TP with 2 truths: precisions 0, 1/2, 2/3; recalls 0, 1/2, 1. The envelope is 2/3
    // at both recall steps: AP = 2/3.
    let truth = [Self.truth(0, 0), Self.truth(0, 50)]
    let detections = [Self.detection(0, 200, 0.9), Self.detection(0, 0, 0.8), Self.detection(0, 50, 0.7)]
    let ap = try Self.averagePrecision(detections, truth)
    #expect(abs(ap - 2.0 / 3) < 1e-12)
  }

  @Test func duplicateDetectionIsAFalsePositiveAndIoUBelowThresholdMisses() throws {
    // The duplicate of the first truth comes second: TP, FP, then the 50% truth is found by a
    // box shifted by 4 of 10 (IoU 6/14 = 0.43 < 0.5): FP. AP = 1/2 · 1 = 0.5.
    let truth = [Self.truth(0, 0), Self.truth(0, 50)]
    let detections = [Self.detection(0, 0, 0.9), Self.detection(0, 1, 0.8), Self.detection(0, 54, 0.7)]
    let ap = try Self.averagePrecision(detections, truth)
    #expect(abs(ap - 0.5) < 1e-12)
  }

  @Test func classesAndImagesAreKeptApart() throws {
    // Right box, wrong class or wrong image: no match.
    let truth = [Self.truth(0, 0, 0), Self.truth(1, 0, 1)]
    let detections = [
      Self.detection(1, 0, 0.9, 0), Self.detection(0, 0, 0.8, 1), Self.detection(0, 0, 0.7, 0),
    ]
    let result = AveragePrecision.meanAveragePrecision(
      detections: detections, groundTruth: truth, classCount: 3)
    // Class 0: FP then TP → 1/2; class 1: only an FP → 0; class 2 has no truth.
    #expect(result.perClass.count == 3)
    #expect(abs((result.perClass[0] ?? -1) - 0.5) < 1e-12)
    #expect(result.perClass[1] == 0)
    #expect(result.perClass[2] == nil)
    #expect(abs((result.mean ?? -1) - 0.25) < 1e-12)
  }
}
