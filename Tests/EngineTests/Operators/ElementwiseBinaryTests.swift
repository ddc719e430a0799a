import Foundation
import Testing

@testable import Engine

@Suite struct ElementwiseBinaryTests {
  /// numpy broadcasting by explicit index arithmetic (the reference).
  static func broadcast(_ shapes: [[Int]]) -> [Int] {
    let rank = shapes.map(\.count).max() ?? 0
    return (0..<rank).map { axis in
      shapes.map { shape in axis < rank - shape.count ? 1 : shape[axis - (rank - shape.count)] }.max()!
    }
  }

  static func reference(_ inputs: [([Float], [Int])], _ combine: (Double, Double) -> Double) -> (
    [Int], [Double]
  ) {
    let shape = broadcast(inputs.map(\.1))
    let rank = shape.count
    // Each input's element stride along each output axis (0 where it is broadcast).
    let strides: [[Int]] = inputs.map { input in
      let padded = [Int](repeating: 1, count: rank - input.1.count) + input.1
      var result = [Int](repeating: 0, count: rank), running = 1
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        result[axis] = padded[axis] == 1 ? 0 : running
        running *= padded[axis]
      }
      return result
    }
    let count = shape.reduce(1, *)
    var result = [Double](repeating: 0, count: count)
    var coordinates = [Int](repeating: 0, count: rank)
    for index in 0..<count {
      var accumulated = 0.0
      for (number, input) in inputs.enumerated() {
        var offset = 0
        for axis in 0..<rank { offset += coordinates[axis] * strides[number][axis] }
        let value = Double(input.0[offset])
        accumulated = number == 0 ? value : combine(accumulated, value)
      }
      result[index] = accumulated
      var axis = rank - 1
      while axis >= 0 {
        coordinates[axis] += 1
        if coordinates[axis] < shape[axis] { break }
        coordinates[axis] = 0
        axis -= 1
      }
    }
    return (shape, result)
  }

  static let operations: [(String, @Sendable (Double, Double) -> Double)] = [
    ("Add", { $0 + $1 }), ("Sub", { $0 - $1 }), ("Mul", { $0 * $1 }), ("Div", { $0 / $1 }),
    ("Max", { max($0, $1) }),
    ("Min", { min($0, $1) }),
  ]

  static let shapePairs: [([Int], [Int])] = [
    ([2, 13, 5, 7], [2, 13, 5, 7]),  // same shape
    ([2, 13, 5, 7], [1, 13, 1, 1]),  // per channel
    ([2, 13, 5, 7], [13, 1, 1]),
    ([2, 13, 5, 7], []),  // scalar
    ([1], [2, 3, 4]),
    ([2, 1, 4], [3, 1]),  // both broadcast
    ([1, 5], [4, 1]),
    ([3, 1, 5, 1], [1, 4, 1, 6]),
    ([2, 24, 20, 36], [2, 24, 1, 36]),  // big: chunks cut rows mid-way
    ([2, 3, 1], [2, 3, 17]),
  ]

  @Test func everyOperationOnEveryBroadcastPattern() throws {
    var random = SeededRandom(21)
    for (op, combine) in Self.operations {
      for (aShape, bShape) in Self.shapePairs {
        let a = random.floats(aShape.reduce(1, *)), b = random.floats(bShape.reduce(1, *), in: 0.5...2)
        for (first, second) in [((a, aShape), (b, bShape)), ((b, bShape), (a, aShape))]
        where op != "Div" || first.1 == aShape {
          let y = try OperatorHarness.run(
            op,
            [
              .input(OperatorHarness.floats(first.0, first.1)),
              .constant(OperatorHarness.floats(second.0, second.1)),
            ], threads: 3)[0]
          let expected = Self.reference([first, second], combine)
          #expect(y.shape == expected.0, "\(op) \(first.1) \(second.1)")
          expectClose(OperatorHarness.values(y), expected.1, tolerance: 1e-6, "\(op) \(first.1) \(second.1)")
        }
      }
    }
  }

  @Test func variadicMaxMinSumMean() throws {
    var random = SeededRandom(22)
    let shapes = [[2, 1, 4], [3, 1], [1, 3, 4]]
    let inputs = shapes.map { (random.floats($0.reduce(1, *)), $0) }
    let operands = inputs.map { Operand.input(OperatorHarness.floats($0.0, $0.1)) }
    for (op, combine) in [("Max", { max($0, $1) }), ("Min", { min($0, $1) }), ("Sum", { $0 + $1 })]
      as [(String, (Double, Double) -> Double)]
    {
      let y = try OperatorHarness.run(op, operands)[0]
      let expected = Self.reference(inputs, combine)
      #expect(y.shape == [2, 3, 4])
      expectClose(OperatorHarness.values(y), expected.1, tolerance: 1e-6, "\(op)")
    }
    let mean = try OperatorHarness.run("Mean", operands)[0]
    expectClose(OperatorHarness.values(mean), Self.reference(inputs, +).1.map { $0 / 3 }, tolerance: 1e-6)
    let single = try OperatorHarness.run("Max", [operands[0]])[0]
    #expect(OperatorHarness.values(single) == inputs[0].0)
  }

  @Test func powWithScalarAndTensorExponents() throws {
    var random = SeededRandom(23)
    let base = random.floats(2 * 5 * 6, in: 0.1...3)
    let x = OperatorHarness.floats(base, [2, 5, 6])
    for exponent: Float in [2, 3, 0.5, 1, 1.7, -1] {
      let y = try OperatorHarness.run("Pow", [.input(x), .constant(OperatorHarness.floats([exponent], []))])[
        0]
      expectClose(
        OperatorHarness.values(y), base.map { pow(Double($0), Double(exponent)) }, tolerance: 1e-6,
        "exponent \(exponent)")
    }
    let integer = try OperatorHarness.run("Pow", [.input(x), .constant(OperatorHarness.ints([3], [1]))])[0]
    expectClose(OperatorHarness.values(integer), base.map { pow(Double($0), 3) }, tolerance: 1e-6)
    let exponents = random.floats(6, in: -2...2)
    let tensor = try OperatorHarness.run("Pow", [.input(x), .input(OperatorHarness.floats(exponents, [6]))])[
      0]
    expectClose(
      OperatorHarness.values(tensor), base.enumerated().map { pow(Double($1), Double(exponents[$0 % 6])) },
      tolerance: 1e-6)
  }

  @Test func integerShapeArithmetic() throws {
    let a = OperatorHarness.ints([7, -7, 9, Int(Int32.min)], [4])
    let b = OperatorHarness.ints([2, 2, 0, -1], [4])
    #expect(
      OperatorHarness.intValues(try OperatorHarness.run("Div", [.input(a), .constant(b)])[0]) == [
        3, -3, 0, Int(Int32.min),
      ])
    #expect(
      OperatorHarness.intValues(
        try OperatorHarness.run("Mul", [.input(a), .constant(OperatorHarness.ints([3], []))])[0]) == [
          21, -21, 27, Int(Int32(truncatingIfNeeded: Int(Int32.min) * 3)),
        ])
    #expect(
      OperatorHarness.intValues(try OperatorHarness.run("Add", [.input(a), .constant(b)])[0]) == [
        9, -5, 9, Int(Int32.max),
      ])
    #expect(
      OperatorHarness.intValues(try OperatorHarness.run("Max", [.input(a), .constant(b)])[0]) == [
        7, 2, 9, -1,
      ])
    let result = try OperatorHarness.run("Sub", [.input(a), .constant(b)])[0]
    #expect(result.elementType == .int32)
  }

  @Test func rejectsBadInputs() {
    let a = OperatorHarness.floats([Float](repeating: 1, count: 6), [2, 3])
    let b = OperatorHarness.floats([Float](repeating: 1, count: 4), [4])
    expectGraphError(OperatorHarness.error("Add", [.input(a), .input(b)]), mentioning: "do not broadcast")
    expectGraphError(
      OperatorHarness.error("Max", [.input(a), .input(a), .input(b)]), mentioning: "do not broadcast")
    expectGraphError(OperatorHarness.error("Mul", [.input(a)]), mentioning: "2 inputs")
    expectGraphError(
      OperatorHarness.error("Sub", [.input(a), .input(OperatorHarness.ints([1, 2, 3], [3]))]),
      mentioning: "float32")
    expectGraphError(
      OperatorHarness.error("Add", [.input(OperatorHarness.ints([1, 2, 3], [3])), .input(a)]),
      mentioning: "mixes")
    expectGraphError(
      OperatorHarness.error("Pow", [.input(a), .input(OperatorHarness.ints([1, 2, 3], [3]))]),
      mentioning: "exponent")
    expectGraphError(
      OperatorHarness.error("Mean", [.input(OperatorHarness.ints([1, 2, 3], [3]))]), mentioning: "float32")
  }
}
