import Perception
import Synth
import Testing

@testable import hiyari_train

@Suite struct DetectorEvaluationTests {
  /// Every labelled object of a frame as a detection with score 1.
  static func oracle(_ sample: TrainingSample) -> [Detection] {
    sample.labels.objects.map {
      Detection(
        box: BoundingBox(minX: $0.box[0], minY: $0.box[1], maxX: $0.box[2], maxY: $0.box[3]), score: 1,
        classIndex: $0.objectClass.index)
    }
  }

  @Test func groundTruthAsDetectionsScoresOne() throws {
    for split in DetectorEvaluation.splits(seed: 77) {
      let result = try DetectorEvaluation.evaluate(
        split: split, count: 24, width: 320, height: 192, classCount: 4, detect: Self.oracle)
      let present = result.perClass.compactMap { $0 }
      #expect(!present.isEmpty)
      #expect(present.allSatisfy { $0 == 1 })
      #expect(result.mean == 1)
    }
  }

  @Test func perfectPrecisionAtPartialRecallGivesTheRecallAsAP() throws {
    let split = DetectorEvaluation.splits(seed: 5)[1]
    var counts = [Int](repeating: 0, count: 4)
    var kept = [Int](repeating: 0, count: 4)
    let result = try DetectorEvaluation.evaluate(
      split: split, count: 24, width: 320, height: 192, classCount: 4
    ) { sample in
      let (counted, _) = DetectorEvaluation.groundTruth(sample.labels, image: 0)
      var detections: [Detection] = []
      for (index, label) in counted.enumerated() {
        counts[label.classIndex] += 1
        guard index % 2 == 0 else { continue }
        kept[label.classIndex] += 1
        detections.append(Detection(box: label.box, score: 1, classIndex: label.classIndex))
      }
      return detections
    }
    #expect(counts.reduce(0, +) > 10)
    for index in 0..<4 {
      let expected = counts[index] == 0 ? nil : Double(kept[index]) / Double(counts[index])
      #expect(result.perClass[index] == expected)
    }
    #expect(result.mean.map { $0 < 1 } == true)
  }

  @Test func detectionsOfIgnoredObjectsAreNeitherHitsNorFalsePositives() {
    let counted = [
      LabeledBox(image: 0, box: BoundingBox(minX: 0, minY: 0, maxX: 40, maxY: 40), classIndex: 1)
    ]
    let ignored = [BoundingBox(minX: 100, minY: 100, maxX: 104, maxY: 106)]
    let detections = [
      Detection(box: BoundingBox(minX: 1, minY: 0, maxX: 40, maxY: 40), score: 0.9, classIndex: 1),
      Detection(box: BoundingBox(minX: 100, minY: 100, maxX: 104, maxY: 106), score: 0.95, classIndex: 1),
      Detection(box: BoundingBox(minX: 200, minY: 0, maxX: 240, maxY: 40), score: 0.99, classIndex: 1),
    ]
    let kept = DetectorEvaluation.dropIgnored(detections, counted: counted, ignored: ignored, image: 0)
    #expect(kept.map(\.detection) == [detections[0], detections[2]])
    // The false positive ranks first: AP is precision 1/2 at full recall.
    let ap = AveragePrecision.averagePrecision(detections: kept, groundTruth: counted, classIndex: 1)
    #expect(ap == 0.5)
  }

  @Test func groundTruthCountsVisibleTallObjectsAndIgnoresTheRest() {
    func object(_ height: Double, visible: Double) -> ObjectLabel {
      ObjectLabel(
        track: 1, objectClass: .pedestrian, box: [10, 10, 20, 10 + height], visible: visible,
        positionM: [0, 1.4, 20], velocityMPS: [0, 0, 0], inEgoPath: false, ttcS: nil)
    }
    let labels = FrameLabels(
      index: 0, time: 0, objects: [object(30, visible: 0.9), object(5, visible: 1), object(30, visible: 0.1)])
    let (counted, ignored) = DetectorEvaluation.groundTruth(labels, image: 3)
    #expect(counted.map(\.image) == [3] && counted[0].classIndex == ObjectClass.pedestrian.index)
    #expect(ignored.count == 2)
  }
}
