import Testing

@testable import Engine

/// Deterministic pseudo-random numbers (SplitMix64) so operator tests are reproducible.
struct SeededRandom: RandomNumberGenerator {
  var state: UInt64

  init(_ seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &self) }
  }
}

/// One operand of a single-node test graph.
enum Operand {
  /// A graph input, fed at run time.
  case input(Tensor)
  /// A constant (weight) of the graph.
  case constant(Tensor)
  /// An omitted optional input (empty name).
  case absent
}

enum OperatorHarness {
  static func floats(_ values: [Float], _ shape: [Int]) -> Tensor {
    let tensor = try! Tensor(shape: shape, elementType: .float32)
    precondition(values.count == tensor.elementCount, "\(values.count) values for shape \(shape)")
    tensor.withMutableElements(as: Float.self) { for index in values.indices { $0[index] = values[index] } }
    return tensor
  }

  static func ints(_ values: [Int], _ shape: [Int]? = nil) -> Tensor {
    let tensor = try! Tensor(shape: shape ?? [values.count], elementType: .int32)
    tensor.withMutableElements(as: Int32.self) {
      for index in values.indices { $0[index] = Int32(values[index]) }
    }
    return tensor
  }

  static func int8s(
    _ values: [Int], _ shape: [Int], quantization: Quantization = .init(scale: 1, zeroPoint: 0)
  ) -> Tensor {
    let tensor = try! Tensor(shape: shape, elementType: .int8, quantization: quantization)
    tensor.withMutableElements(as: Int8.self) {
      for index in values.indices { $0[index] = Int8(values[index]) }
    }
    return tensor
  }

  static func uint8s(
    _ values: [Int], _ shape: [Int], quantization: Quantization = .init(scale: 1, zeroPoint: 0)
  ) -> Tensor {
    let tensor = try! Tensor(shape: shape, elementType: .uint8, quantization: quantization)
    tensor.withMutableElements(as: UInt8.self) {
      for index in values.indices { $0[index] = UInt8(values[index]) }
    }
    return tensor
  }

  static func values(_ tensor: Tensor) -> [Float] { tensor.withElements(as: Float.self) { Array($0) } }
  static func intValues(_ tensor: Tensor) -> [Int] {
    switch tensor.elementType {
    case .int32: tensor.withElements(as: Int32.self) { $0.map(Int.init) }
    case .int8: tensor.withElements(as: Int8.self) { $0.map(Int.init) }
    case .uint8: tensor.withElements(as: UInt8.self) { $0.map(Int.init) }
    case .float32: tensor.withElements(as: Float.self) { $0.map { Int($0) } }
    }
  }

  /// The graph of one node named "n" applying `op` to `operands`, with `outputs` outputs.
  static func graph(
    _ op: String, _ operands: [Operand], attributes: [String: Attribute] = [:], outputs: Int = 1
  )
    -> (Graph, [String: Tensor])
  {
    var inputs: [TensorInfo] = []
    var constants: [String: Tensor] = [:]
    var feeds: [String: Tensor] = [:]
    var names: [String] = []
    for (index, operand) in operands.enumerated() {
      let name = "in\(index)"
      switch operand {
      case .input(let tensor):
        inputs.append(
          TensorInfo(
            name: name, elementType: tensor.elementType, shape: tensor.shape,
            quantization: tensor.quantization))
        feeds[name] = tensor
        names.append(name)
      case .constant(let tensor):
        constants[name] = tensor
        names.append(name)
      case .absent:
        names.append("")
      }
    }
    let outputNames = (0..<outputs).map { "out\($0)" }
    let node = Node(name: "n", op: op, inputs: names, outputs: outputNames, attributes: attributes)
    return (Graph(inputs: inputs, outputs: outputNames, nodes: [node], constants: constants), feeds)
  }

  /// Compiles and runs one node; returns its outputs in order.
  static func run(
    _ op: String, _ operands: [Operand], attributes: [String: Attribute] = [:], outputs: Int = 1,
    threads: Int = 2
  ) throws -> [Tensor] {
    let (graph, feeds) = graph(op, operands, attributes: attributes, outputs: outputs)
    let model = try CompiledModel(graph: graph, threadCount: threads)
    // A first run on other values leaves stale data in outputs and scratch: a kernel that skips
    // writing some elements, or relies on zeroed scratch, fails the real run.
    _ = try model.run(feeds.mapValues(garbage))
    let results = try model.run(feeds)
    return (0..<outputs).map { results["out\($0)"]! }
  }

  /// A tensor like `tensor` filled with an arbitrary pattern.
  static func garbage(_ tensor: Tensor) -> Tensor {
    let copy = try! Tensor(
      shape: tensor.shape, elementType: tensor.elementType, quantization: tensor.quantization)
    switch tensor.elementType {
    case .float32:
      copy.withMutableElements(as: Float.self) {
        for index in $0.indices { $0[index] = Float(index % 7) * 1.25 - 3 }
      }
    case .int32:
      copy.withMutableElements(as: Int32.self) { for index in $0.indices { $0[index] = Int32(index % 5) } }
    case .int8:
      copy.withMutableElements(as: Int8.self) { for index in $0.indices { $0[index] = Int8(index % 11) - 5 } }
    case .uint8:
      copy.withMutableElements(as: UInt8.self) { for index in $0.indices { $0[index] = UInt8(index % 13) } }
    }
    return copy
  }

  /// The shape inference / build error of one node, or nil if it compiled.
  static func error(
    _ op: String, _ operands: [Operand], attributes: [String: Attribute] = [:], outputs: Int = 1
  ) -> GraphError? {
    let (graph, _) = graph(op, operands, attributes: attributes, outputs: outputs)
    do {
      _ = try CompiledModel(graph: graph)
      return nil
    } catch {
      return error
    }
  }
}

/// Expects `actual` to match `expected` element by element within `tolerance` relative to the
/// larger of 1 and the largest expected magnitude.
func expectClose(
  _ actual: [Float], _ expected: [Double], tolerance: Double = 2e-5, _ comment: Comment? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(
    actual.count == expected.count, "count \(actual.count) vs \(expected.count)",
    sourceLocation: sourceLocation)
  guard actual.count == expected.count else { return }
  let scale = max(1, expected.map { abs($0) }.max() ?? 0)
  var worst = 0.0, worstIndex = -1
  for index in actual.indices {
    let error = abs(Double(actual[index]) - expected[index])
    if !(error <= worst) {
      worst = error
      worstIndex = index
    }
  }
  #expect(
    worst <= tolerance * scale,
    "largest error \(worst) at \(worstIndex) (got \(worstIndex >= 0 ? actual[worstIndex] : 0), want \(worstIndex >= 0 ? expected[worstIndex] : 0)) \(comment.map { "\($0)" } ?? "")",
    sourceLocation: sourceLocation)
}

/// Expects a GraphError that names node "n" and mentions `fragment`.
func expectGraphError(
  _ error: GraphError?, mentioning fragment: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(error != nil, "expected a GraphError mentioning \"\(fragment)\"", sourceLocation: sourceLocation)
  guard let error else { return }
  #expect(error.description.contains("node n"), "\(error.description)", sourceLocation: sourceLocation)
  #expect(error.description.contains(fragment), "\(error.description)", sourceLocation: sourceLocation)
}
