import Engine

/// Inputs for benchmarking a model whose real inputs do not matter to its speed.
enum BenchmarkInputs {
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
}
