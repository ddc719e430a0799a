/// Average precision of detections against ground truth, as PASCAL VOC (2010 on) and COCO
/// compute it: detections of a class ranked by score, each matched greedily to the unmatched
/// ground-truth box of its image it overlaps most (IoU at or above the threshold: a true
/// positive; otherwise, or when that box is taken, a false positive); AP is the area under the
/// precision-recall curve with precision made monotone (all-point interpolation).
public enum AveragePrecision {
  /// AP of class `classIndex`; nil when the ground truth has no box of that class.
  public static func averagePrecision(
    detections: [ScoredBox], groundTruth: [LabeledBox], classIndex: Int, iouThreshold: Double = 0.5
  ) -> Double? {
    var truthByImage: [Int: [BoundingBox]] = [:]
    for label in groundTruth where label.classIndex == classIndex {
      truthByImage[label.image, default: []].append(label.box)
    }
    let truthCount = truthByImage.values.reduce(0) { $0 + $1.count }
    guard truthCount > 0 else { return nil }
    let ranked = detections.filter { $0.detection.classIndex == classIndex }
      .enumerated().sorted {
        $0.element.detection.score != $1.element.detection.score
          ? $0.element.detection.score > $1.element.detection.score : $0.offset < $1.offset
      }.map(\.element)
    var taken: [Int: [Bool]] = truthByImage.mapValues { [Bool](repeating: false, count: $0.count) }
    var truePositives = 0
    var precisions: [Double] = []
    var recalls: [Double] = []
    for (rank, scored) in ranked.enumerated() {
      var best = -1
      var bestIoU = 0.0
      for (index, truth) in (truthByImage[scored.image] ?? []).enumerated() {
        let iou = truth.intersectionOverUnion(scored.detection.box)
        if iou > bestIoU {
          bestIoU = iou
          best = index
        }
      }
      if best >= 0, bestIoU >= iouThreshold, taken[scored.image]?[best] == false {
        taken[scored.image]?[best] = true
        truePositives += 1
      }
      precisions.append(Double(truePositives) / Double(rank + 1))
      recalls.append(Double(truePositives) / Double(truthCount))
    }
    // Make precision monotone from the right, then sum the area of each recall step.
    var envelope = precisions
    for index in stride(from: envelope.count - 2, through: 0, by: -1) {
      envelope[index] = max(envelope[index], envelope[index + 1])
    }
    var area = 0.0
    var previousRecall = 0.0
    for (recall, precision) in zip(recalls, envelope) where recall > previousRecall {
      area += (recall - previousRecall) * precision
      previousRecall = recall
    }
    return area
  }

  /// AP per class (nil where a class has no ground truth) and their mean over classes with
  /// ground truth (nil when none has).
  public static func meanAveragePrecision(
    detections: [ScoredBox], groundTruth: [LabeledBox], classCount: Int, iouThreshold: Double = 0.5
  ) -> (perClass: [Double?], mean: Double?) {
    let perClass = (0..<max(0, classCount)).map {
      averagePrecision(
        detections: detections, groundTruth: groundTruth, classIndex: $0, iouThreshold: iouThreshold)
    }
    let present = perClass.compactMap { $0 }
    return (perClass, present.isEmpty ? nil : present.reduce(0, +) / Double(present.count))
  }
}
