import Foundation
import Testing

@testable import Engine

@Suite struct SoftmaxTests {
  /// Softmax (or LogSoftmax) along `axis` in Double.
  static func reference(_ x: [Float], _ shape: [Int], axis: Int, log: Bool) -> [Double] {
    let outer = shape[..<axis].reduce(1, *), extent = shape[axis], inner = shape[(axis + 1)...].reduce(1, *)
    var y = [Double](repeating: 0, count: x.count)
    for o in 0..<outer {
      for i in 0..<inner {
        let indices = (0..<extent).map { (o * extent + $0) * inner + i }
        let maximum = indices.map { Double(x[$0]) }.max()!
        let sum = indices.reduce(0.0) { $0 + exp(Double(x[$1]) - maximum) }
        for index in indices {
          y[index] =
            log ? Double(x[index]) - maximum - Foundation.log(sum) : exp(Double(x[index]) - maximum) / sum
        }
      }
    }
    return y
  }

  @Test(arguments: [
    ([2, 5, 3, 4], -1), ([2, 5, 3, 4], 1), ([2, 5, 3, 4], 0), ([3, 130], 0), ([1, 7, 150], 1), ([4, 81], 1),
    ([13], 0),
  ])
  func softmaxAndLogSoftmax(_ arguments: ([Int], Int)) throws {
    let (shape, axis) = arguments
    var random = SeededRandom(51)
    let x = random.floats(shape.reduce(1, *), in: -8...8)
    for log in [false, true] {
      let y = try OperatorHarness.run(
        log ? "LogSoftmax" : "Softmax", [.input(OperatorHarness.floats(x, shape))],
        attributes: ["axis": .int(axis)], threads: 3)[0]
      #expect(y.shape == shape)
      expectClose(
        OperatorHarness.values(y),
        Self.reference(x, shape, axis: axis < 0 ? axis + shape.count : axis, log: log), tolerance: 1e-6,
        "\(shape) axis \(axis) log \(log)")
    }
  }

  @Test func stableForLargeInputsAndDefaultsToLastAxis() throws {
    let x: [Float] = [1000, 1001, 1002, -1000, -1001, -1002]
    let y = try OperatorHarness.run("Softmax", [.input(OperatorHarness.floats(x, [2, 3]))])[0]
    expectClose(OperatorHarness.values(y), Self.reference(x, [2, 3], axis: 1, log: false), tolerance: 1e-6)
    #expect(OperatorHarness.values(y).allSatisfy { $0.isFinite })
    let logs = try OperatorHarness.run("LogSoftmax", [.input(OperatorHarness.floats(x, [2, 3]))])[0]
    expectClose(OperatorHarness.values(logs), Self.reference(x, [2, 3], axis: 1, log: true), tolerance: 1e-6)
  }

  @Test func vectorExpMatchesExpAndKeepsNaN() {
    var inputs: [Float] = stride(from: -87, through: 88, by: 0.173).map { Float($0) }
    inputs += [0, -0.0, 1e-8, -1e-8, 0.5 * Float(M_LN2), -0.5 * Float(M_LN2)]
    while inputs.count % 8 != 0 { inputs.append(1) }
    for start in stride(from: 0, to: inputs.count, by: 8) {
      let vector = VectorMath.exp(SIMD8<Float>(inputs[start..<(start + 8)]))
      for lane in 0..<8 {
        let expected = exp(Double(inputs[start + lane]))
        #expect(abs(Double(vector[lane]) - expected) <= 3e-7 * expected, "exp(\(inputs[start + lane]))")
      }
    }
    let extremes = VectorMath.exp(SIMD8<Float>(.nan, .infinity, -.infinity, -1000, 1000, -.nan, 88, -88))
    #expect(extremes[0].isNaN && extremes[5].isNaN)
    #expect(extremes[1] > 1e38 && extremes[4] > 1e38 && extremes[1].isFinite)
    #expect(extremes[2] >= 0 && extremes[2] < 1e-37 && extremes[3] < 1e-37)
  }

  @Test func nanInputsDoNotCrash() throws {
    let x: [Float] = [1, .nan, 3, 4, 5, 6, 7, 8, 9, 10, .infinity, 2]
    let y = try OperatorHarness.run("Softmax", [.input(OperatorHarness.floats(x, [1, 12]))])[0]
    #expect(y.shape == [1, 12])
    let z = try OperatorHarness.run(
      "Softmax", [.input(OperatorHarness.floats(x, [12, 1]))], attributes: ["axis": .int(0)])[0]
    #expect(z.shape == [12, 1])
  }

  @Test func rejectsAxisOutOfRange() {
    let x = OperatorHarness.floats([1, 2, 3, 4], [2, 2])
    expectGraphError(
      OperatorHarness.error("Softmax", [.input(x)], attributes: ["axis": .int(2)]), mentioning: "axis 2")
    expectGraphError(
      OperatorHarness.error("LogSoftmax", [.input(x)], attributes: ["axis": .int(-3)]), mentioning: "axis -3")
    expectGraphError(
      OperatorHarness.error("Softmax", [.input(OperatorHarness.ints([1, 2]))]), mentioning: "float32")
  }
}
