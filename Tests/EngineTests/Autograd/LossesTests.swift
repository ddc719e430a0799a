import Glibc
import Testing

@testable import Engine

@Suite struct LossesTests {
  @Test func focalLossGradientAndValue() {
    var generator = SeededGenerator(seed: 14)
    let x = GradientCheck.randomVariable([1, 3, 4, 5], &generator, scale: 2)
    let targets = (0..<x.count).map { _ in generator.uniform() < 0.3 ? Float(1) : 0 }
    GradientCheck.check([x]) { x.sigmoidFocalLoss(targets: targets) }
    GradientCheck.check([x]) { x.sigmoidFocalLoss(targets: targets, alpha: nil, gamma: 0) }
    // One logit 0 with target 1: p = 0.5, alpha 0.25, (1 - 0.5)^2 * ln 2.
    let single = Variable(shape: [1], value: [0]).sigmoidFocalLoss(targets: [1])
    #expect(Swift.abs(single.scalar - 0.25 * 0.25 * Float(Glibc.log(2.0))) < 1e-6)
  }

  @Test func l1LossGradient() {
    var generator = SeededGenerator(seed: 15)
    let x = GradientCheck.randomVariable([2, 4, 3, 3], &generator)
    let targets = x.value.map { $0 + (generator.uniform() < 0.5 ? 0.5 : -0.5) }
    let weights = (0..<x.count).map { _ in generator.uniform() < 0.5 ? Float(1) : 0 }
    GradientCheck.check([x]) { x.l1Loss(targets: targets, weights: weights) }
  }

  @Test func giouLossGradientAndValue() {
    var generator = SeededGenerator(seed: 16)
    let x = Variable(
      shape: [2, 4, 3, 4], value: (0..<96).map { _ in generator.uniform(0.5, 4) }, requiresGradient: true)
    let targets = (0..<96).map { _ in generator.uniform(0.5, 4) }
    let weights = (0..<24).map { _ in generator.uniform() < 0.6 ? Float(1) : 0 }
    GradientCheck.check([x], step: 1e-3) { x.giouLoss(targets: targets, weights: weights) }
    // Identical boxes lose nothing; disjoint-looking ones (one inside the other) lose 1 - IoU.
    let same = Variable(shape: [1, 4, 1, 1], value: [1, 2, 3, 4]).giouLoss(
      targets: [1, 2, 3, 4], weights: [1])
    #expect(Swift.abs(same.scalar) < 1e-5)
    let inner = Variable(shape: [1, 4, 1, 1], value: [1, 1, 1, 1]).giouLoss(
      targets: [2, 2, 2, 2], weights: [1])
    #expect(Swift.abs(inner.scalar - 0.75) < 1e-5)
  }
}
