import Testing

@testable import Engine

@Suite struct ChannelConcatenationTests {
  @Test func gradientAndLayout() {
    var generator = SeededGenerator(seed: 8)
    let a = GradientCheck.randomVariable([2, 3, 4, 5], &generator)
    let b = GradientCheck.randomVariable([2, 2, 4, 5], &generator)
    GradientCheck.check([a, b]) { Variable.concatenatingChannels([a, b]) }
    let joined = Variable.concatenatingChannels([a, b])
    #expect(joined.shape == [2, 5, 4, 5])
    // Image 1, channel 3 of the result is image 1, channel 0 of b.
    #expect(joined.value[(1 * 5 + 3) * 20 + 7] == b.value[(1 * 2 + 0) * 20 + 7])
  }
}
