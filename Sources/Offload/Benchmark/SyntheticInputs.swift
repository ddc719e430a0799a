import Engine

/// Camera-like inputs for offload benchmarks, whose speed does not depend on the picture: float
/// inputs hold 8-bit pixels scaled to [0, 1] (code / 255, what preprocessing gives, so they cross
/// a link as their codes: see `PixelCodes`), 8-bit inputs random codes, wider ones zeros.
public enum SyntheticInputs {
  /// One frame for every input of `graph`, reproducible from `seed`.
  public static func pixels(for graph: Graph, seed: UInt64 = 1) throws(TensorError) -> [String: Tensor] {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    func next() -> UInt8 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return UInt8(truncatingIfNeeded: state >> 24)
    }
    var frame: [String: Tensor] = [:]
    for info in graph.inputs {
      let quantization =
        info.elementType.isQuantized ? Quantization(scale: PixelCodes.scale, zeroPoint: 0) : nil
      let tensor = try Tensor(shape: info.shape, elementType: info.elementType, quantization: quantization)
      if info.elementType == .float32 {
        tensor.withMutableElements(as: Float.self) {
          for index in $0.indices { $0[index] = Float(next()) * PixelCodes.scale }
        }
      } else if info.elementType.byteCount == 1 {
        tensor.withMutableElements(as: UInt8.self) {
          for index in $0.indices { $0[index] = next() }
        }
      }
      frame[info.name] = tensor
    }
    return frame
  }

  /// Upload sizes of the float inputs that cross as 8-bit codes, for
  /// `PartitionProblem(compressedInputBytes:)`: one byte per element.
  public static func codeBytes(of graph: Graph) -> [String: Int] {
    var bytes: [String: Int] = [:]
    for input in graph.inputs where input.elementType == .float32 { bytes[input.name] = input.elementCount }
    return bytes
  }
}
