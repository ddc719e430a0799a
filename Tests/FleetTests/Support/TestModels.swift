import Engine
import Offload

/// Small real models for the offload tests, built in Swift (no ONNX file, no Python).
enum TestModels {
  /// Reproducible values from a seed.
  struct Generator {
    var state: UInt64
    init(_ seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
    mutating func next() -> UInt64 {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return state
    }
    mutating func float(in range: ClosedRange<Float>) -> Float {
      range.lowerBound + Float(next() >> 40) / Float(1 << 24) * (range.upperBound - range.lowerBound)
    }
    mutating func int(in range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
  }

  static let inputShape = [1, 3, 8, 8]

  static func floats(_ shape: [Int], _ random: inout Generator, in range: ClosedRange<Float>) -> Tensor {
    let tensor = try! Tensor(shape: shape, elementType: .float32)
    tensor.withMutableElements(as: Float.self) {
      for index in $0.indices { $0[index] = random.float(in: range) }
    }
    return tensor
  }

  static func scalar(_ value: Float) -> Tensor {
    let tensor = try! Tensor(shape: [], elementType: .float32)
    tensor.withMutableElements(as: Float.self) { $0[0] = value }
    return tensor
  }

  /// An 8-bit constant (weights or a zero point); the quantization is a placeholder the
  /// operators do not read (their scales come from their own inputs).
  static func codes(_ type: ElementType, _ shape: [Int], _ values: () -> Int) -> Tensor {
    let tensor = try! Tensor(
      shape: shape, elementType: type, quantization: Quantization(scale: 1, zeroPoint: 0))
    if type == .int8 {
      tensor.withMutableElements(as: Int8.self) { for index in $0.indices { $0[index] = Int8(values()) } }
    } else {
      tensor.withMutableElements(as: UInt8.self) { for index in $0.indices { $0[index] = UInt8(values()) } }
    }
    return tensor
  }

  static let conv: [String: Attribute] = ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1])]

  /// float: x -> Conv c1 -> a1 -> Relu -> h1 -> Conv c2 -> a2 -> Add(a2, h1) -> s -> Sigmoid -> y
  static func float() throws -> Graph {
    var random = Generator(3)
    return try Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: inputShape)], outputs: ["y"],
      nodes: [
        Node(name: "c1", op: "Conv", inputs: ["x", "W1", "B1"], outputs: ["a1"], attributes: conv),
        Node(name: "r1", op: "Relu", inputs: ["a1"], outputs: ["h1"]),
        Node(name: "c2", op: "Conv", inputs: ["h1", "W2", "B2"], outputs: ["a2"], attributes: conv),
        Node(name: "add", op: "Add", inputs: ["a2", "h1"], outputs: ["s"]),
        Node(name: "sig", op: "Sigmoid", inputs: ["s"], outputs: ["y"]),
      ],
      constants: [
        "W1": floats([4, 3, 3, 3], &random, in: -0.5...0.5), "B1": floats([4], &random, in: -0.1...0.1),
        "W2": floats([4, 4, 3, 3], &random, in: -0.5...0.5), "B2": floats([4], &random, in: -0.1...0.1),
      ]
    ).validated()
  }

  /// int8 (uint8 activations, int8 weights): x -> QuantizeLinear -> xq -> QLinearConv -> q1 ->
  /// QLinearConv -> q2 -> DequantizeLinear -> y; outputs y and q2. The cut at q1 sends 8-bit codes.
  /// `size` is the input's height and width (the same weights at any size).
  static func int8(size: Int = 8) throws -> Graph {
    var random = Generator(5)
    var constants: [String: Tensor] = [
      "xs": scalar(1.0 / 64), "xz": codes(.uint8, []) { 128 },
      "ws": scalar(0.01), "wz": codes(.int8, []) { 0 },
      "s1": scalar(0.05), "z1": codes(.uint8, []) { 100 },
      "s2": scalar(0.04), "z2": codes(.uint8, []) { 120 },
    ]
    constants["W1"] = codes(.int8, [8, 3, 3, 3]) { random.int(in: -40...40) }
    constants["W2"] = codes(.int8, [8, 8, 3, 3]) { random.int(in: -30...30) }
    let bias = { (count: Int) -> Tensor in
      let tensor = try! Tensor(shape: [count], elementType: .int32)
      tensor.withMutableElements(as: Int32.self) {
        for index in $0.indices { $0[index] = Int32(random.int(in: -200...200)) }
      }
      return tensor
    }
    constants["B1"] = bias(8)
    constants["B2"] = bias(8)
    return try Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: [1, 3, size, size])],
      outputs: ["y", "q2"],
      nodes: [
        Node(name: "quantize", op: "QuantizeLinear", inputs: ["x", "xs", "xz"], outputs: ["xq"]),
        Node(
          name: "qc1", op: "QLinearConv", inputs: ["xq", "xs", "xz", "W1", "ws", "wz", "s1", "z1", "B1"],
          outputs: ["q1"], attributes: conv),
        Node(
          name: "qc2", op: "QLinearConv", inputs: ["q1", "s1", "z1", "W2", "ws", "wz", "s2", "z2", "B2"],
          outputs: ["q2"], attributes: conv),
        Node(name: "dequantize", op: "DequantizeLinear", inputs: ["q2", "s2", "z2"], outputs: ["y"]),
      ], constants: constants
    ).validated()
  }

  /// An input in [-1, 1] from `seed`.
  static func input(seed: UInt64) -> [String: Tensor] {
    var random = Generator(seed &+ 100)
    return ["x": floats(inputShape, &random, in: -1...1)]
  }

  /// An input of 8-bit pixels scaled to [0, 1] (code / 255 as the device's preprocessing gives).
  static func pixels(seed: UInt64, size: Int = 8) -> [String: Tensor] {
    var random = Generator(seed &+ 200)
    let tensor = try! Tensor(shape: [1, 3, size, size], elementType: .float32)
    tensor.withMutableElements(as: Float.self) {
      for index in $0.indices { $0[index] = Float(random.int(in: 0...255)) * PixelCodes.scale }
    }
    return ["x": tensor]
  }

  /// The outputs of running the whole model on the device.
  static func deviceOnly(_ graph: Graph, _ inputs: [String: Tensor]) throws -> [String: [UInt8]] {
    try CompiledModel(graph: graph).run(inputs).mapValues { Array($0.bytes) }
  }

  static func bytes(_ outputs: [String: Tensor]) -> [String: [UInt8]] {
    outputs.mapValues { Array($0.bytes) }
  }
}
