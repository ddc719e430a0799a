import Testing

@testable import Engine

/// Central finite differences against the autograd gradient, for every element of every input.
///
/// The checked function is reduced to a scalar as sum(output * projection) with a fixed random
/// projection, so that each output element carries a distinct weight. Values are fp32, so the
/// step is large (1e-2) and each error is measured relative to the input's largest gradient
/// (a 5% error in a derivative fails; fp32 rounding of the loss stays far below 1%).
enum GradientCheck {
  static func randomVariable(
    _ shape: [Int], _ generator: inout SeededGenerator, scale: Float = 1, awayFromZero: Float = 0
  ) -> Variable {
    let count = shape.reduce(1, *)
    let values = (0..<count).map { _ -> Float in
      var v = generator.normal() * scale
      if awayFromZero > 0 && Swift.abs(v) < awayFromZero { v += v < 0 ? -awayFromZero : awayFromZero }
      return v
    }
    return Variable(shape: shape, value: values, requiresGradient: true)
  }

  /// Returns the largest error found, after recording an expectation for each element.
  @discardableResult
  static func check(
    _ inputs: [Variable], seed: UInt64 = 7, step: Float = 1e-2, tolerance: Float = 1e-2,
    sourceLocation: SourceLocation = #_sourceLocation, _ function: () -> Variable
  ) -> Float {
    var generator = SeededGenerator(seed: seed)
    let probe = function()
    let projection = (0..<probe.count).map { _ in generator.uniform(-1, 1) }
    func loss() -> Variable {
      let output = function()
      return output.multiplying(Variable(shape: output.shape, value: projection)).sum()
    }
    for input in inputs { input.zeroGradient() }
    loss().backward()
    var worst: Float = 0
    for (number, input) in inputs.enumerated() {
      #expect(
        input.gradient.count == input.count, "input \(number) got no gradient", sourceLocation: sourceLocation
      )
      guard input.gradient.count == input.count else { continue }
      let analytic = input.gradient
      let scale = Swift.max(1e-2, analytic.map { Swift.abs($0) }.max() ?? 0)
      for index in 0..<input.count {
        let saved = input.value[index]
        input.value[index] = saved + step
        let plus = Double(loss().scalar)
        input.value[index] = saved - step
        let minus = Double(loss().scalar)
        input.value[index] = saved
        let numeric = Float((plus - minus) / (2 * Double(step)))
        let error = Swift.abs(numeric - analytic[index]) / scale
        worst = Swift.max(worst, error)
        if error > tolerance {
          Issue.record(
            "input \(number) element \(index): analytic \(analytic[index]), numeric \(numeric)",
            sourceLocation: sourceLocation)
          return worst
        }
      }
    }
    return worst
  }
}
