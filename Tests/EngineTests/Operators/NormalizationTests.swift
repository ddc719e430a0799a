import Testing

@testable import Engine

@Suite struct NormalizationTests {
  static func reference(_ x: [Float], _ shape: [Int], _ parameters: [[Float]], epsilon: Double) -> [Double] {
    let channels = shape[1], size = shape.dropFirst(2).reduce(1, *)
    return x.indices.map { index in
      let c = (index / size) % channels
      let normalised =
        (Double(x[index]) - Double(parameters[2][c])) / (Double(parameters[3][c]) + epsilon).squareRoot()
      return normalised * Double(parameters[0][c]) + Double(parameters[1][c])
    }
  }

  @Test func constantParameters() throws {
    var random = SeededRandom(61)
    for shape in [[2, 13, 3, 4], [3, 24], [1, 5, 7]] {
      let c = shape[1]
      let x = random.floats(shape.reduce(1, *))
      let parameters = [random.floats(c), random.floats(c), random.floats(c), random.floats(c, in: 0.1...2)]
      let y = try OperatorHarness.run(
        "BatchNormalization",
        [.input(OperatorHarness.floats(x, shape))]
          + parameters.map { .constant(OperatorHarness.floats($0, [c])) },
        attributes: ["epsilon": .float(1e-3)])[0]
      expectClose(
        OperatorHarness.values(y), Self.reference(x, shape, parameters, epsilon: Double(Float(1e-3))),
        tolerance: 1e-6, "\(shape)")
    }
  }

  @Test func parametersComputedAtRun() throws {
    var random = SeededRandom(62)
    let shape = [2, 6, 5, 5]
    let x = random.floats(shape.reduce(1, *))
    let parameters = [random.floats(6), random.floats(6), random.floats(6), random.floats(6, in: 0.1...2)]
    let y = try OperatorHarness.run(
      "BatchNormalization",
      [.input(OperatorHarness.floats(x, shape))] + parameters.map { .input(OperatorHarness.floats($0, [6])) })[
        0]
    expectClose(
      OperatorHarness.values(y), Self.reference(x, shape, parameters, epsilon: Double(Float(1e-5))),
      tolerance: 1e-6)
  }

  @Test func rejectsTrainingAndBadShapes() {
    let x = OperatorHarness.floats([Float](repeating: 0, count: 12), [1, 3, 4])
    let good = Operand.constant(OperatorHarness.floats([1, 1, 1], [3]))
    let bad = Operand.constant(OperatorHarness.floats([1, 1], [2]))
    expectGraphError(
      OperatorHarness.error("BatchNormalization", [.input(x), good, good, good, bad]), mentioning: "input 4")
    expectGraphError(
      OperatorHarness.error("BatchNormalization", [.input(x), good, good, good]),
      mentioning: "missing input 4")
    expectGraphError(
      OperatorHarness.error(
        "BatchNormalization", [.input(x), good, good, good, good], attributes: ["training_mode": .int(1)]),
      mentioning: "training")
    expectGraphError(
      OperatorHarness.error("BatchNormalization", [.input(x), good, good, good, good], outputs: 3),
      mentioning: "training")
    expectGraphError(
      OperatorHarness.error(
        "BatchNormalization", [.input(OperatorHarness.floats([1, 2, 3], [3])), good, good, good, good]),
      mentioning: "rank")
  }
}
