import Engine

/// The training loss of hiyari-fcos over a batch: sigmoid focal loss on the class logits of
/// every cell, GIoU (and optionally L1) on the distances of positive cells, each summed over
/// both levels and divided by the number of positive cells in the batch (at least 1).
public struct DetectionLoss: Sendable, Hashable, Codable {
  public var focalAlpha: Float = 0.25
  public var focalGamma: Float = 2
  public var giouWeight: Float = 2
  public var l1Weight: Float = 0

  public init() {}

  /// The parts of one evaluation, for progress output.
  public struct Parts: Sendable {
    public var classification: Float
    public var box: Float
    public var positives: Int
    public var total: Float { classification + box }
  }

  /// The scalar loss to back-propagate and its parts. `targets[image][level]`.
  public func callAsFunction(
    _ outputs: [(classes: Variable, boxes: Variable)], targets: [[LevelTargets]]
  ) -> (loss: Variable, parts: Parts) {
    let positives = targets.reduce(0) { total, image in total + image.reduce(0) { $0 + $1.positiveCount } }
    let normaliser = 1 / Float(Swift.max(1, positives))
    var classTerms: [Variable] = []
    var boxTerms: [Variable] = []
    for (level, output) in outputs.enumerated() {
      let classTargets = targets.flatMap { $0[level].classes }
      let distanceTargets = targets.flatMap { $0[level].distances }
      let cells = targets.flatMap { $0[level].positive }
      classTerms.append(
        output.classes.sigmoidFocalLoss(targets: classTargets, alpha: focalAlpha, gamma: focalGamma))
      boxTerms.append(output.boxes.giouLoss(targets: distanceTargets, weights: cells).scaled(by: giouWeight))
      if l1Weight > 0 {
        let spatial = cells.count / output.boxes.shape[0]
        var weights = [Float](repeating: 0, count: output.boxes.count)
        for image in 0..<output.boxes.shape[0] {
          for side in 0..<4 {
            for cell in 0..<spatial {
              weights[(image * 4 + side) * spatial + cell] = cells[image * spatial + cell]
            }
          }
        }
        boxTerms.append(output.boxes.l1Loss(targets: distanceTargets, weights: weights).scaled(by: l1Weight))
      }
    }
    let classification = classTerms.dropFirst().reduce(classTerms[0]) { $0.adding($1) }.scaled(by: normaliser)
    let box = boxTerms.dropFirst().reduce(boxTerms[0]) { $0.adding($1) }.scaled(by: normaliser)
    return (
      classification.adding(box),
      Parts(classification: classification.scalar, box: box.scalar, positives: positives)
    )
  }
}
