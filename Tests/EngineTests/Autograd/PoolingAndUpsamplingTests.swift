import Testing

@testable import Engine

@Suite struct PoolingAndUpsamplingTests {
  /// Distinct values at least 0.05 apart, so no finite-difference step changes a window's maximum.
  static func distinct(_ shape: [Int], seed: UInt64) -> Variable {
    var generator = SeededGenerator(seed: seed)
    var values = (0..<shape.reduce(1, *)).map { Float($0) * 0.05 }
    values.shuffle(using: &generator)
    return Variable(shape: shape, value: values, requiresGradient: true)
  }

  @Test func maxPoolGradient() {
    let x = Self.distinct([2, 2, 7, 9], seed: 9)
    GradientCheck.check([x]) { x.maxPool(kernel: 3, ConvolutionGeometry(stride: 2, padding: 1)) }
    GradientCheck.check([x]) { x.maxPool(kernel: 2, ConvolutionGeometry(stride: 2)) }
    let pooled = x.maxPool(kernel: 2, ConvolutionGeometry(stride: 2))
    #expect(pooled.shape == [2, 2, 3, 4])
    #expect(pooled.value[0] == [x.value[0], x.value[1], x.value[9], x.value[10]].max()!)
  }

  @Test func globalAveragePoolGradient() {
    var generator = SeededGenerator(seed: 10)
    let x = GradientCheck.randomVariable([2, 3, 5, 3], &generator)
    GradientCheck.check([x]) { x.globalAveragePool() }
    #expect(Swift.abs(x.globalAveragePool().value[0] - x.value[0..<15].reduce(0, +) / 15) < 1e-6)
  }

  @Test func upsampleGradientAndLayout() {
    var generator = SeededGenerator(seed: 11)
    let x = GradientCheck.randomVariable([2, 2, 3, 5], &generator)
    GradientCheck.check([x]) { x.upsampleNearest2x() }
    let up = x.upsampleNearest2x()
    #expect(up.shape == [2, 2, 6, 10])
    #expect(up.value[3 * 10 + 7] == x.value[1 * 5 + 3])
  }
}
