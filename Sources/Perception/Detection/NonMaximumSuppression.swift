/// Class-aware greedy non-maximum suppression.
public enum NonMaximumSuppression {
  /// Keeps the best-scoring boxes, dropping any box that overlaps a kept box of the same class
  /// by more than `iouThreshold`. The result is sorted by descending score and holds at most
  /// `maximumKept` boxes; work is at most `detections.count × maximumKept` IoU tests.
  public static func apply(
    _ detections: [Detection], iouThreshold: Double, maximumKept: Int
  ) -> [Detection] {
    // Ties are broken by input order so the result does not depend on the sort's stability.
    let order = detections.indices.sorted {
      detections[$0].score != detections[$1].score ? detections[$0].score > detections[$1].score : $0 < $1
    }
    var kept: [Detection] = []
    kept.reserveCapacity(min(maximumKept, detections.count))
    for index in order {
      guard kept.count < maximumKept else { break }
      let candidate = detections[index]
      let suppressed = kept.contains {
        $0.classIndex == candidate.classIndex && $0.box.intersectionOverUnion(candidate.box) > iouThreshold
      }
      if !suppressed { kept.append(candidate) }
    }
    return kept
  }
}
