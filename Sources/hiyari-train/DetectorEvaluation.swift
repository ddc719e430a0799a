import Capture
import Engine
import Perception
import Synth

/// mAP@0.5 per class of detector bundles on held-out synthetic frames, through the same
/// `DetectorModel` and `DetectionDecoder` that `hiyari run` uses, scored by Perception's
/// `AveragePrecision`.
///
/// Ground truth counts an object at least 30% unoccluded and 8 pixels tall (at 320x192);
/// smaller or mostly hidden objects are "ignore" regions as in COCO's crowd boxes: a detection
/// that matches one (IoU ≥ 0.5) is neither a hit nor a false positive.
enum DetectorEvaluation {
  static let minimumVisible = 0.3
  static let minimumHeight = 8.0
  static let scoreThreshold = 0.05

  /// One evaluation set: its name, seed and conditions.
  struct Split {
    var name: String
    var seed: UInt64
    var conditions: ConditionMix
  }

  /// The held-out conditions on `seed`'s scenarios, and training's conditions on the scenarios
  /// of `seed + 1` (unseen scenes, seen conditions).
  static func splits(seed: UInt64) -> [Split] {
    [
      Split(name: "held-out conditions (fog, night)", seed: seed, conditions: DataSplits.heldOut),
      Split(name: "training conditions, unseen scenes", seed: seed &+ 1, conditions: DataSplits.training),
    ]
  }

  /// Ground truth and ignore regions of one frame's labels.
  static func groundTruth(_ labels: FrameLabels, image: Int) -> (
    counted: [LabeledBox], ignored: [BoundingBox]
  ) {
    var counted: [LabeledBox] = []
    var ignored: [BoundingBox] = []
    for object in labels.objects {
      let box = BoundingBox(
        minX: object.box[0], minY: object.box[1], maxX: object.box[2], maxY: object.box[3])
      if object.visible >= minimumVisible, box.height >= minimumHeight {
        counted.append(LabeledBox(image: image, box: box, classIndex: object.objectClass.index))
      } else {
        ignored.append(box)
      }
    }
    return (counted, ignored)
  }

  /// Detections with those matching an ignore region (and no counted box) removed.
  static func dropIgnored(
    _ detections: [Detection], counted: [LabeledBox], ignored: [BoundingBox], image: Int
  ) -> [ScoredBox] {
    detections.filter { detection in
      let hitsCounted = counted.contains {
        $0.classIndex == detection.classIndex && $0.box.intersectionOverUnion(detection.box) >= 0.5
      }
      return hitsCounted || !ignored.contains { $0.intersectionOverUnion(detection.box) >= 0.5 }
    }.map { ScoredBox(image: image, detection: $0) }
  }

  /// AP per class and mAP of one model on `count` frames of a split.
  static func evaluate(model: DetectorModel, split: Split, count: Int) throws -> (
    perClass: [Double?], mean: Double?
  ) {
    let decoder = DetectionDecoder(
      layout: model.layout, options: DecoderOptions(scoreThreshold: scoreThreshold, maximumDetections: 100))
    return try evaluate(
      split: split, count: count, width: model.layout.inputWidth, height: model.layout.inputHeight,
      classCount: model.layout.classes.count
    ) { sample in
      try sample.image.withFrame { try model.preprocess($0) }
      let outputs = model.run()
      guard let geometry = model.geometry else { throw TrainCommandError("the model preprocessed no frame") }
      return try decoder.decode(outputs, geometry: geometry)
    }
  }

  /// AP per class and mAP of `detect` on `count` frames of a split rendered at `width` x `height`.
  static func evaluate(
    split: Split, count: Int, width: Int, height: Int, classCount: Int,
    detect: (TrainingSample) throws -> [Detection]
  ) throws -> (perClass: [Double?], mean: Double?) {
    let sampler = TrainingSampler(
      seed: split.seed, width: width, height: height, conditions: split.conditions)
    var detections: [ScoredBox] = []
    var truth: [LabeledBox] = []
    for image in 0..<count {
      let sample = sampler.sample(image)
      let (counted, ignored) = groundTruth(sample.labels, image: image)
      truth += counted
      detections += dropIgnored(try detect(sample), counted: counted, ignored: ignored, image: image)
    }
    return AveragePrecision.meanAveragePrecision(
      detections: detections, groundTruth: truth, classCount: classCount)
  }

  /// A Markdown report: per split, a table of AP per class (rows) and model (columns).
  static func markdown(models: [(name: String, path: String)], count: Int, seed: UInt64, threads: Int) throws
    -> String
  {
    let loaded = try models.map { ($0.name, try DetectorModel(path: $0.path, threads: threads)) }
    guard let classes = loaded.first?.1.layout.classes else { return "" }
    var lines = [
      "mAP@0.5 on synthetic frames at \(loaded[0].1.layout.inputWidth)x\(loaded[0].1.layout.inputHeight), "
        + "\(count) frames per set, evaluation seed \(seed) (training uses other scenarios).",
      "Counted: objects ≥ \(Int(minimumVisible * 100))% visible and ≥ \(Int(minimumHeight)) px tall; "
        + "smaller or hidden ones are ignore regions. Detections above score \(scoreThreshold), NMS 0.5.",
    ]
    for split in splits(seed: seed) {
      let results = try loaded.map { try evaluate(model: $0.1, split: split, count: count) }
      lines += [
        "", "### \(split.name): \(split.conditions.description)", "",
        "| class | " + loaded.map(\.0).joined(separator: " | ") + " |",
        "| --- |" + String(repeating: " ---: |", count: loaded.count),
      ]
      for (index, name) in classes.enumerated() {
        lines.append(
          "| \(name) | " + results.map { format($0.perClass[index]) }.joined(separator: " | ") + " |")
      }
      lines.append("| **mAP** | " + results.map { "**\(format($0.mean))**" }.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func format(_ value: Double?) -> String {
    guard let value else { return "n/a" }
    let tenths = (value * 1000).rounded() / 10
    return "\(tenths)"
  }
}
