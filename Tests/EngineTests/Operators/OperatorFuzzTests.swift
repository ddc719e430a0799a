import Testing

@testable import Engine

/// Hostile nodes for the float operator families: random attributes (zero, negative, huge,
/// Int.max, NaN, wrong lengths) and random constant shape inputs. Each must either compile and
/// run or be refused with a GraphError naming the node; a crash fails the whole test run.
@Suite struct OperatorFuzzTests {
  static let operators = [
    "Conv", "Gemm", "MatMul", "Add", "Mul", "Pow", "Max", "Mean", "MaxPool", "AveragePool",
    "GlobalAveragePool",
    "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Split", "Slice", "Gather", "Shape",
    "Resize",
    "Upsample", "Softmax", "LogSoftmax", "BatchNormalization", "QuantizeLinear", "DequantizeLinear",
  ]

  static let attributeNames = [
    "axis", "axes", "perm", "group", "strides", "pads", "dilations", "kernel_shape", "auto_pad", "ceil_mode",
    "count_include_pad", "transA", "transB", "alpha", "beta", "split", "num_outputs", "starts", "ends",
    "mode",
    "coordinate_transformation_mode", "nearest_mode", "scales", "activation", "activation_min", "allowzero",
    "epsilon",
    "block_size", "output_dtype", "start", "end", "keep_aspect_ratio_policy",
  ]

  static func hostileInts(_ random: inout SeededRandom) -> [Int] {
    let pool = [0, 1, 2, 3, -1, -2, 7, 1 << 20, 1 << 21, Int(Int32.max), Int(Int32.min), Int.max, Int.min]
    return (0..<Int.random(in: 0...5, using: &random)).map { _ in pool.randomElement(using: &random)! }
  }

  static func hostileAttribute(_ name: String, _ random: inout SeededRandom) -> Attribute {
    switch Int.random(in: 0..<6, using: &random) {
    case 0: return .int(hostileInts(&random).first ?? 0)
    case 1: return .ints(hostileInts(&random))
    case 2: return .float([Float.nan, .infinity, -1, 0, 1e30, 0.5].randomElement(using: &random)!)
    case 3: return .floats([Float.nan, 2, 0, -3].shuffled(using: &random))
    case 4:
      return .string(
        [
          "NOTSET", "SAME_UPPER", "VALID", "nearest", "linear", "cubic", "Relu", "SiLU", "Bogus", "",
          "align_corners", "floor",
        ]
        .randomElement(using: &random)!)
    default: return .ints([])
    }
  }

  static func operand(_ random: inout SeededRandom) -> Operand {
    switch Int.random(in: 0..<7, using: &random) {
    case 0: return .absent
    case 1:
      return .constant(
        OperatorHarness.ints(hostileInts(&random).map { max(min($0, Int(Int32.max)), Int(Int32.min)) }))
    case 2: return .constant(OperatorHarness.floats([1, 1, 2, 2], [4]))
    case 3: return .constant(OperatorHarness.floats([Float](repeating: 0.5, count: 3), [3]))
    case 4: return .constant(OperatorHarness.int8s([1, -2, 3], [3]))
    case 5: return .input(OperatorHarness.floats([Float](repeating: 0.25, count: 24), [2, 3, 2, 2]))
    default: return .constant(OperatorHarness.floats([0.1], []))
    }
  }

  @Test func hostileNodesNeverCrash() throws {
    var random = SeededRandom(99)
    var compiled = 0, refused = 0
    for iteration in 0..<1500 {
      let op = Self.operators[iteration % Self.operators.count]
      let shapes: [[Int]] = [[1, 3, 5, 5], [2, 3, 4], [3, 4], [6], [1, 1, 3, 3], [2, 3, 2, 2]]
      let shape = shapes.randomElement(using: &random)!
      var operands: [Operand] = [
        .input(OperatorHarness.floats((0..<shape.reduce(1, *)).map { Float($0 % 5) - 2 }, shape))
      ]
      for _ in 0..<Int.random(in: 0...4, using: &random) { operands.append(Self.operand(&random)) }
      var attributes: [String: Attribute] = [:]
      for _ in 0..<Int.random(in: 0...4, using: &random) {
        let name = Self.attributeNames.randomElement(using: &random)!
        attributes[name] = Self.hostileAttribute(name, &random)
      }
      let outputs = Int.random(in: 1...3, using: &random)
      do {
        let (graph, feeds) = OperatorHarness.graph(op, operands, attributes: attributes, outputs: outputs)
        let model = try CompiledModel(graph: graph, threadCount: 2)
        _ = try model.run(feeds)
        compiled += 1
      } catch {
        #expect(error.description.contains("node n"), "\(op): \(error)")
        refused += 1
      }
    }
    #expect(compiled > 50 && refused > 50, "compiled \(compiled), refused \(refused)")
  }
}
