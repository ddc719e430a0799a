import Testing

@testable import Engine

@Suite struct OptimizerTests {
  @Test func adamWStepDecaysOnlyDecayingParameters() {
    let weight = Variable(shape: [1], value: [1], requiresGradient: true)
    let bias = Variable(shape: [1], value: [1], requiresGradient: true)
    let optimizer = AdamW(
      parameters: [
        NamedParameter(name: "w", variable: weight, decays: true),
        NamedParameter(name: "b", variable: bias, decays: false),
      ], weightDecay: 0.1)
    weight.gradient = [0.5]
    bias.gradient = [0.5]
    optimizer.step(learningRate: 0.1)
    // First step: m^ / sqrt(v^) = sign(g) = 1; decay adds lr * wd * w = 0.01 to the weight's step.
    #expect(Swift.abs(weight.value[0] - 0.89) < 1e-5)
    #expect(Swift.abs(bias.value[0] - 0.9) < 1e-5)
    #expect(weight.gradient.isEmpty)
  }

  @Test func sgdMomentumAccumulates() {
    let w = Variable(shape: [1], value: [0], requiresGradient: true)
    let optimizer = StochasticGradientDescent(
      parameters: [NamedParameter(name: "w", variable: w, decays: true)], momentum: 0.9)
    w.gradient = [1]
    optimizer.step(learningRate: 0.1)
    w.gradient = [1]
    optimizer.step(learningRate: 0.1)
    // v1 = 1, v2 = 1.9: w = -0.1 - 0.19.
    #expect(Swift.abs(w.value[0] + 0.29) < 1e-6)
  }

  @Test(arguments: [true, false])
  func optimizersMinimiseAQuadratic(_ adam: Bool) {
    var generator = SeededGenerator(seed: 30)
    let target = (0..<8).map { _ in generator.normal() }
    let w = Variable(shape: [8], value: [Float](repeating: 0, count: 8), requiresGradient: true)
    let parameters = [NamedParameter(name: "w", variable: w, decays: false)]
    let optimizer: any Optimizer =
      adam ? AdamW(parameters: parameters) : StochasticGradientDescent(parameters: parameters)
    func loss() -> Variable {
      let difference = w.adding(Variable(shape: [8], value: target.map { -$0 }))
      return difference.multiplying(difference).sum()
    }
    let start = loss().scalar
    for _ in 0..<300 {
      loss().backward()
      optimizer.step(learningRate: adam ? 0.05 : 0.02)
    }
    #expect(loss().scalar < start * 1e-3, "loss \(start) -> \(loss().scalar)")
  }

  @Test func cosineScheduleWarmsUpThenDecays() {
    let schedule = CosineSchedule(base: 0.1, warmupSteps: 10, totalSteps: 110, warmupStart: 0.1, floor: 0.01)
    #expect(Swift.abs(schedule.rate(at: 0) - 0.01) < 1e-7)
    #expect(Swift.abs(schedule.rate(at: 10) - 0.1) < 1e-7)
    #expect(Swift.abs(schedule.rate(at: 60) - 0.1 * (0.01 + 0.99 * 0.5)) < 1e-6)
    #expect(Swift.abs(schedule.rate(at: 110) - 0.001) < 1e-7)
    let rates = (10...110).map { schedule.rate(at: $0) }
    #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 >= $1 })
  }
}
