import Capture
import Engine

#if canImport(Glibc)
  import Glibc
#endif

/// Turns a detector's raw outputs into detections in frame pixels: score threshold, top-k,
/// box decoding, mapping back through the preprocessing geometry, clipping and class-aware NMS.
public struct DetectionDecoder: Sendable {
  public let layout: DetectorLayout
  public var options: DecoderOptions

  public init(layout: DetectorLayout, options: DecoderOptions = DecoderOptions()) {
    self.layout = layout
    self.options = options
  }

  /// Decodes `outputs` (in the model's output order) of a frame that `geometry` mapped into the
  /// model input.
  public func decode(_ outputs: [Tensor], geometry: PreprocessGeometry) throws(PerceptionError) -> [Detection]
  {
    try layout.validate(outputShapes: outputs.map(\.shape))
    guard outputs.allSatisfy({ $0.elementType == .float32 }) else {
      throw PerceptionError("detector outputs must be float32; dequantize them first")
    }
    let candidates: [Detection] =
      switch layout.format {
      case .hiyariFCOS: decodeFCOS(outputs)
      case .yolov8: decodeYOLO(outputs[0])
      }
    let top = Self.best(candidates, count: options.maximumCandidates)
    let inFrame = top.compactMap { detection -> Detection? in
      let box = Self.frameBox(detection.box, geometry: geometry)
      guard box.isFinite, box.width > 0, box.height > 0 else { return nil }
      return Detection(box: box, score: detection.score, classIndex: detection.classIndex)
    }
    return NonMaximumSuppression.apply(
      inFrame, iouThreshold: options.nmsIoUThreshold, maximumKept: options.maximumDetections)
  }

  /// A box in model pixels mapped to frame pixels and clipped to the frame.
  public static func frameBox(_ box: BoundingBox, geometry: PreprocessGeometry) -> BoundingBox {
    let topLeft = geometry.framePoint(fromModelX: box.minX, y: box.minY)
    let bottomRight = geometry.framePoint(fromModelX: box.maxX, y: box.maxY)
    return BoundingBox(minX: topLeft.x, minY: topLeft.y, maxX: bottomRight.x, maxY: bottomRight.y)
      .clipped(width: Double(geometry.frameWidth), height: Double(geometry.frameHeight))
  }

  /// The `count` best-scoring candidates (all of them when there are fewer).
  static func best(_ candidates: [Detection], count: Int) -> [Detection] {
    guard candidates.count > count else { return candidates }
    return Array(candidates.sorted { $0.score > $1.score }.prefix(max(0, count)))
  }

  private func decodeFCOS(_ outputs: [Tensor]) -> [Detection] {
    let classCount = layout.classes.count
    let threshold = min(max(options.scoreThreshold, 1e-6), 1 - 1e-6)
    // Comparing logits spares a sigmoid per cell: sigmoid(x) > t ⇔ x > log(t / (1 − t)).
    let logitThreshold = Float(log(threshold / (1 - threshold)))
    var candidates: [Detection] = []
    for (output, stride) in zip(outputs, layout.strides) {
      let rows = output.shape[2]
      let columns = output.shape[3]
      let plane = rows * columns
      let s = Double(stride)
      output.withElements(as: Float.self) { values in
        for i in 0..<rows {
          for j in 0..<columns {
            let cell = i * columns + j
            var bestClass = 0
            var bestLogit = -Float.infinity
            for c in 0..<classCount where values[c * plane + cell] > bestLogit {
              bestLogit = values[c * plane + cell]
              bestClass = c
            }
            guard bestLogit > logitThreshold, bestLogit.isFinite else { continue }
            let left = Double(values[classCount * plane + cell])
            let top = Double(values[(classCount + 1) * plane + cell])
            let right = Double(values[(classCount + 2) * plane + cell])
            let bottom = Double(values[(classCount + 3) * plane + cell])
            let x = (Double(j) + 0.5) * s
            let y = (Double(i) + 0.5) * s
            let box = BoundingBox(
              minX: x - max(0, left) * s, minY: y - max(0, top) * s, maxX: x + max(0, right) * s,
              maxY: y + max(0, bottom) * s)
            let score = 1 / (1 + exp(-Double(bestLogit)))
            candidates.append(Detection(box: box, score: score, classIndex: bestClass))
          }
        }
      }
    }
    return candidates
  }

  private func decodeYOLO(_ output: Tensor) -> [Detection] {
    let classCount = layout.classes.count
    // [1, 4 + C, N] is the export's layout; [1, N, 4 + C] (transposed by some tools) is read too.
    let transposed = output.shape[1] != classCount + 4
    let anchors = transposed ? output.shape[1] : output.shape[2]
    let threshold = Float(options.scoreThreshold)
    var candidates: [Detection] = []
    output.withElements(as: Float.self) { values in
      func value(_ row: Int, _ anchor: Int) -> Float {
        transposed ? values[anchor * (classCount + 4) + row] : values[row * anchors + anchor]
      }
      for anchor in 0..<anchors {
        var bestClass = 0
        var bestScore = -Float.infinity
        for c in 0..<classCount where value(4 + c, anchor) > bestScore {
          bestScore = value(4 + c, anchor)
          bestClass = c
        }
        guard bestScore > threshold, bestScore.isFinite else { continue }
        let box = BoundingBox(
          centerX: Double(value(0, anchor)), centerY: Double(value(1, anchor)),
          width: Double(value(2, anchor)), height: Double(value(3, anchor)))
        candidates.append(Detection(box: box, score: Double(min(bestScore, 1)), classIndex: bestClass))
      }
    }
    return candidates
  }
}
