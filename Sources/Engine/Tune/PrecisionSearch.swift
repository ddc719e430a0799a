/// The choice of int8 or fp32 per node: least total time with the model's accuracy at or above a
/// budget. A pure function of measured timings and an accuracy oracle, so it can be tested on
/// made-up numbers.
///
/// The greedy, from all-int8:
/// 1. Speed: every node whose int8 version is not faster than fp32 (conversions counted, see
///    `NodeTiming`) goes fp32. Float is exact, so this never costs accuracy.
/// 2. Accuracy: if the model is below the budget, each remaining int8 node is ranked by the
///    model's accuracy with that node alone in int8 (the layer-wise sensitivity onnxruntime's
///    and TensorRT's tools use); the most harmful goes fp32 first (ties: the one whose int8
///    saves least), re-measuring after each, until the budget is met.
///
/// The oracle is called once for step 1, once per int8 node to rank (only if the budget is not
/// met), and once per flip.
public enum PrecisionSearch {
  /// - Parameters:
  ///   - timings: one per tunable node.
  ///   - minimumAccuracy: the budget, in the oracle's unit (higher is better, e.g. SNR in dB).
  ///   - accuracy: the whole model's accuracy with the given nodes in fp32 and the rest int8.
  public static func choose<Failure: Error>(
    _ timings: [NodeTiming], minimumAccuracy: Double,
    accuracy: (_ floatNodes: Set<String>) throws(Failure) -> Double
  ) throws(Failure) -> PrecisionPlan {
    var floatNodes = Set<String>()
    var reasons: [String: PrecisionReason] = [:]
    for timing in timings {
      if timing.int8Saving > 0 {
        reasons[timing.node] = .int8Faster
      } else {
        floatNodes.insert(timing.node)
        reasons[timing.node] = .int8NotFaster
      }
    }
    var measured = try accuracy(floatNodes)
    var alone: [String: Double] = [:]
    if measured < minimumAccuracy {
      let all = Set(timings.map(\.node))
      let int8 = timings.filter { !floatNodes.contains($0.node) }
      for timing in int8 { alone[timing.node] = try accuracy(all.subtracting([timing.node])) }
      let ranked = int8.sorted {
        (alone[$0.node]!, $0.int8Saving, $0.node) < (alone[$1.node]!, $1.int8Saving, $1.node)
      }
      for timing in ranked {
        floatNodes.insert(timing.node)
        reasons[timing.node] = .accuracy
        measured = try accuracy(floatNodes)
        if measured >= minimumAccuracy { break }
      }
    }
    return PrecisionPlan(
      floatNodes: floatNodes, reasons: reasons, accuracy: measured, int8AloneAccuracy: alone,
      meetsBudget: measured >= minimumAccuracy)
  }
}
