import Engine
import Offload

/// Inputs for benchmarking a model whose real inputs do not matter to its speed.
enum BenchmarkInputs {
  /// Fills every input with reproducible pseudo-random values (floats in [0, 1), random bytes).
  static func fillInputs(_ model: CompiledModel, seed: UInt64) {
    let next = generator(seed: seed)
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

  /// A camera frame for each input of `graph`: float inputs hold 8-bit pixels scaled to [0, 1]
  /// (code / 255, as preprocessing gives, so they cross a link as their codes), byte inputs
  /// random bytes (wider integer inputs stay zero).
  static func pixelFrame(_ graph: Graph, seed: UInt64) throws(TensorError) -> [String: Tensor] {
    let next = generator(seed: seed)
    var frame: [String: Tensor] = [:]
    for info in graph.inputs {
      let quantization = info.elementType.isQuantized ? Quantization(scale: 1.0 / 255, zeroPoint: 0) : nil
      let tensor = try Tensor(shape: info.shape, elementType: info.elementType, quantization: quantization)
      if info.elementType == .float32 {
        tensor.withMutableElements(as: Float.self) {
          for index in $0.indices { $0[index] = Float(UInt8(truncatingIfNeeded: next())) * PixelCodes.scale }
        }
      } else if info.elementType.byteCount == 1 {
        tensor.withMutableElements(as: UInt8.self) {
          for index in $0.indices { $0[index] = UInt8(truncatingIfNeeded: next()) }
        }
      }
      frame[info.name] = tensor
    }
    return frame
  }

  /// Xorshift from `seed`: reproducible, not random.
  static func generator(seed: UInt64) -> () -> UInt64 {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    return {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
  }
}
