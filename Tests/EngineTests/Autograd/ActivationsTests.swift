import Testing

@testable import Engine

@Suite struct ActivationsTests {
  // Inputs stay at least 0.1 from every kink, so the finite-difference step never crosses one.
  @Test func reluGradient() {
    var generator = SeededGenerator(seed: 1)
    let x = GradientCheck.randomVariable([2, 3, 5, 7], &generator, awayFromZero: 0.1)
    GradientCheck.check([x]) { x.relu() }
    #expect(x.relu().value.allSatisfy { $0 >= 0 })
  }

  @Test func relu6Gradient() {
    var generator = SeededGenerator(seed: 2)
    let x = GradientCheck.randomVariable([2, 3, 5, 7], &generator, scale: 4, awayFromZero: 0.1)
    x.value = x.value.map { Swift.abs($0 - 6) < 0.1 ? $0 + 0.3 : $0 }
    GradientCheck.check([x]) { x.relu6() }
    #expect(x.relu6().value.allSatisfy { $0 >= 0 && $0 <= 6 })
    #expect(x.value.contains { $0 > 6 }, "the test input must reach the upper clip")
  }

  @Test func leakyReluGradient() {
    var generator = SeededGenerator(seed: 3)
    let x = GradientCheck.randomVariable([1, 4, 3, 5], &generator, awayFromZero: 0.1)
    GradientCheck.check([x]) { x.leakyRelu(slope: 0.1) }
  }

  @Test func sigmoidGradientAndValue() {
    var generator = SeededGenerator(seed: 4)
    let x = GradientCheck.randomVariable([1, 2, 3, 5], &generator, scale: 2)
    GradientCheck.check([x]) { x.sigmoid() }
    #expect(Swift.abs(Variable(shape: [1], value: [0]).sigmoid().scalar - 0.5) < 1e-7)
  }
}
