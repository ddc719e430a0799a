import Testing

@testable import Engine

@Suite struct BatchNormalizationTests {
  @Test func trainingGradient() {
    var generator = SeededGenerator(seed: 12)
    let x = GradientCheck.randomVariable([3, 4, 3, 5], &generator, scale: 2)
    let norm = BatchNormalization(channels: 4)
    norm.scale.value = (0..<4).map { _ in generator.uniform(0.5, 1.5) }
    norm.shift.value = (0..<4).map { _ in generator.normal() }
    GradientCheck.check([x, norm.scale, norm.shift]) { norm(x, training: true) }
  }

  @Test func evaluationGradientAndRunningStatistics() {
    var generator = SeededGenerator(seed: 13)
    let x = GradientCheck.randomVariable([4, 2, 3, 3], &generator)
    let norm = BatchNormalization(channels: 2, momentum: 1)
    _ = norm(x, training: true)
    // Momentum 1: the running statistics are the batch's (variance unbiased).
    var channel0: [Float] = []
    for image in 0..<4 { channel0 += x.value[(image * 18)..<(image * 18 + 9)] }
    let mean: Float = channel0.reduce(0, +) / Float(channel0.count)
    var squares: Float = 0
    for v in channel0 { squares += (v - mean) * (v - mean) }
    let variance: Float = squares / Float(channel0.count - 1)
    #expect(Swift.abs(norm.runningMean[0] - mean) < 1e-5)
    #expect(Swift.abs(norm.runningVariance[0] - variance) < 1e-4)
    GradientCheck.check([x, norm.scale, norm.shift]) { norm(x, training: false) }
    let (a, b) = norm.evaluationAffine
    let y = norm(x, training: false)
    #expect(Swift.abs(y.value[0] - (x.value[0] * a[0] + b[0])) < 1e-5)
  }
}
