import Testing

@testable import Engine

@Suite struct ArithmeticTests {
  @Test func addSameShapeAndBiasBroadcast() {
    var generator = SeededGenerator(seed: 5)
    let a = GradientCheck.randomVariable([2, 3, 4, 5], &generator)
    let b = GradientCheck.randomVariable([2, 3, 4, 5], &generator)
    let bias = GradientCheck.randomVariable([3], &generator)
    GradientCheck.check([a, b]) { a.adding(b) }
    GradientCheck.check([a, bias]) { a.adding(bias) }
    let shifted = a.adding(bias)
    #expect(shifted.value[4 * 5 + 1] == a.value[4 * 5 + 1] + bias.value[1])
  }

  @Test func multiplyScaleAndSum() {
    var generator = SeededGenerator(seed: 6)
    let a = GradientCheck.randomVariable([1, 2, 3, 3], &generator)
    let b = GradientCheck.randomVariable([1, 2, 3, 3], &generator)
    GradientCheck.check([a, b]) { a.multiplying(b).scaled(by: 1.5) }
    let total = a.sum()
    #expect(Swift.abs(total.scalar - a.value.reduce(0, +)) < 1e-4)
  }

  @Test func sharedValueAccumulatesGradientFromBothUses() {
    let x = Variable(shape: [2], value: [1.5, -2], requiresGradient: true)
    let y = x.multiplying(x).adding(x).sum()  // sum(x^2 + x): gradient 2x + 1
    y.backward()
    #expect(x.gradient == [4, -3])
  }
}
