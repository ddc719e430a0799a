import Engine

/// A small real graph with two parallel branches, a skip connection from the input to the last
/// node, a second graph output and an int8 (uint8) tensor:
///
///     x -> a:Neg -> p -> b1:Relu -> q1 -> c1:Sigmoid -> r1 --+
///                    \-> b2:Abs -> q2 -----------------------+-> d:Add -> s -> e:Add(s, x) -> y
///                                  \-> f:Tanh -> z -> g:QuantizeLinear -> zq (uint8)
enum TestGraphs {
  static func diamond() throws -> Graph {
    let scale = try Tensor(shape: [], elementType: .float32)
    scale.withMutableElements(as: Float.self) { $0[0] = 1.0 / 128 }
    let zeroPoint = try Tensor(
      shape: [], elementType: .uint8, quantization: Quantization(scale: 1, zeroPoint: 0))
    zeroPoint.withMutableElements(as: UInt8.self) { $0[0] = 128 }
    return try Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: [1, 2, 16, 16])], outputs: ["y", "zq"],
      nodes: [
        Node(name: "a", op: "Neg", inputs: ["x"], outputs: ["p"]),
        Node(name: "b1", op: "Relu", inputs: ["p"], outputs: ["q1"]),
        Node(name: "c1", op: "Sigmoid", inputs: ["q1"], outputs: ["r1"]),
        Node(name: "b2", op: "Abs", inputs: ["p"], outputs: ["q2"]),
        Node(name: "d", op: "Add", inputs: ["r1", "q2"], outputs: ["s"]),
        Node(name: "e", op: "Add", inputs: ["s", "x"], outputs: ["y"]),
        Node(name: "f", op: "Tanh", inputs: ["q2"], outputs: ["z"]),
        Node(name: "g", op: "QuantizeLinear", inputs: ["z", "scale", "zero_point"], outputs: ["zq"]),
      ], constants: ["scale": scale, "zero_point": zeroPoint]
    ).validated()
  }

  /// Reproducible input values in [-2, 2).
  static func input(_ graph: Graph) throws -> Tensor {
    let info = graph.inputs[0]
    let tensor = try Tensor(shape: info.shape, elementType: .float32)
    var state: UInt32 = 12345
    tensor.withMutableElements(as: Float.self) { values in
      for index in values.indices {
        state = state &* 1_664_525 &+ 1_013_904_223
        values[index] = Float(state >> 8) / Float(1 << 24) * 4 - 2
      }
    }
    return tensor
  }

  static func bytes(_ tensor: Tensor?) -> [UInt8] { tensor.map { Array($0.bytes) } ?? [] }
}
