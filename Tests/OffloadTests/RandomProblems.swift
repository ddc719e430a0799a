import Offload

/// Reproducible random partition problems: DAGs of up to `maximumNodes` nodes with branches,
/// joins, tensors read by several nodes and nodes with two outputs.
struct RandomProblems {
  var state: UInt64

  init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

  mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }

  mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + Int(next() % UInt64(range.count))
  }

  /// Uniform in [low, high).
  mutating func double(_ low: Double, _ high: Double) -> Double {
    low + (high - low) * Double(next() >> 11) / Double(1 << 53)
  }

  mutating func problem(maximumNodes: Int = 12, compressedInput: Bool = false) throws -> PartitionProblem {
    let nodeCount = int(1...maximumNodes)
    var tensors: [PlannerTensor] = []
    for index in 0..<int(1...2) {
      let bytes = int(1_000...600_000)
      tensors.append(
        PlannerTensor(
          name: "in\(index)", bytes: bytes, uploadBytes: compressedInput ? bytes / int(5...20) : nil,
          isGraphInput: true))
    }
    var nodes: [PlannerNode] = []
    var read = Set<Int>()
    for index in 0..<nodeCount {
      // Mostly recent tensors, so the graphs are chains with branches rather than stars.
      var inputs: [Int] = []
      for _ in 0..<int(1...3) {
        let pick = max(0, tensors.count - 1 - int(0...min(4, tensors.count - 1)))
        if !inputs.contains(pick) { inputs.append(pick) }
      }
      read.formUnion(inputs)
      var outputs: [Int] = []
      for output in 0..<(int(0...5) == 0 ? 2 : 1) {
        outputs.append(tensors.count)
        // Sizes spread over decades, as feature maps shrink and grow through a network.
        let bytes = int(1_000...400_000) >> int(0...8)
        tensors.append(PlannerTensor(name: "n\(index)_\(output)", bytes: bytes))
      }
      let device = double(0, 0.02)
      nodes.append(
        PlannerNode(
          name: "n\(index)", deviceSeconds: device, cloudSeconds: device * double(0.02, 1.2), inputs: inputs,
          outputs: outputs))
    }
    // Every tensor nothing reads is a graph output, and some read ones too (a detector's
    // intermediate feature maps are sometimes outputs as well).
    for index in tensors.indices where !tensors[index].isGraphInput {
      if !read.contains(index) || int(0...6) == 0 { tensors[index].isGraphOutput = true }
    }
    return try PartitionProblem(nodes: nodes, tensors: tensors)
  }

  mutating func link() -> LinkEstimate {
    LinkEstimate(
      uplinkBitsPerSecond: double(0.2, 200) * 1e6, downlinkBitsPerSecond: double(0.5, 400) * 1e6,
      roundTripSeconds: double(0, 0.2))
  }

  /// A fast link on which the best plan often uploads something.
  mutating func fastLink() -> LinkEstimate {
    LinkEstimate(
      uplinkBitsPerSecond: double(50, 500) * 1e6, downlinkBitsPerSecond: double(100, 1000) * 1e6,
      roundTripSeconds: double(0, 0.01))
  }
}
