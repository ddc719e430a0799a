import Engine

/// How the CLI turns a model argument into a graph and feeds it benchmark inputs.
enum ModelLoading {
  /// An ONNX file (imported with every rewrite) or a bundle folder.
  static func graph(_ path: String) throws -> Graph {
    if path.hasSuffix(".onnx") { return try importONNX(path: path) }
    return try ModelBundle(folder: path).graph
  }

  /// Fills every input with reproducible pseudo-random values (floats in [0, 1), random bytes).
  static func fillInputs(_ model: CompiledModel, seed: UInt64) {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
    for info in model.graph.inputs {
      guard let view = model.input(info.name) else { continue }
      switch info.elementType {
      case .float32:
        let values = view.floats()
        for index in 0..<info.elementCount { values[index] = Float(next() >> 40) / Float(1 << 24) }
      default:
        let bytes = view.data.assumingMemoryBound(to: UInt8.self)
        for index in 0..<info.byteCount { bytes[index] = UInt8(truncatingIfNeeded: next()) }
      }
    }
  }

  /// Multiply-accumulates of a Conv or QLinearConv node: output elements x (C/group) x kernel.
  static func convolutionMACs(_ node: Node, _ model: CompiledModel) -> Int {
    let weightIndex: Int
    switch node.op {
    case "Conv": weightIndex = 1
    case "QLinearConv": weightIndex = 3
    default: return 0
    }
    guard node.inputs.count > weightIndex, let weights = model.tensorInfos[node.inputs[weightIndex]],
      let output = node.outputs.first.flatMap({ model.tensorInfos[$0] })
    else { return 0 }
    return output.elementCount * weights.shape.dropFirst().reduce(1, *)
  }
}
