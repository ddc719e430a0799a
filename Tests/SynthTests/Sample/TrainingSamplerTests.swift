import Testing

@testable import Synth

@Suite struct TrainingSamplerTests {
  @Test func samplesAreAPureFunctionOfSeedAndIndex() {
    let a = TrainingSampler(seed: 5, width: 96, height: 64)
    let b = TrainingSampler(seed: 5, width: 96, height: 64)
    let forwards = (0..<10).map { a.sample($0) }
    let backwards = (0..<10).reversed().map { b.sample($0) }.reversed()
    #expect(forwards.map(\.image) == backwards.map(\.image))
    #expect(forwards.map(\.labels) == backwards.map(\.labels))
    #expect(Set(forwards.map(\.kind)).count == 2)  // groups of 8 frames per scenario
    let other = TrainingSampler(seed: 6, width: 96, height: 64).sample(0)
    #expect(other.image != forwards[0].image)
  }

  @Test func samplesHaveTheRequestedSizeAndBoxesInside() {
    let sampler = TrainingSampler(seed: 2)
    for index in stride(from: 0, to: 56, by: 8) {
      let sample = sampler.sample(index)
      #expect(sample.image.width == 320 && sample.image.height == 192)
      #expect(sample.camera.width == 320 && sample.camera.height == 192)
      for object in sample.labels.objects {
        #expect(object.box[0] >= 0 && object.box[2] <= 320 && object.box[1] >= 0 && object.box[3] <= 192)
        #expect(object.box[0] <= object.box[2] && object.box[1] <= object.box[3])
        #expect(object.visible > 0 && object.visible <= 1)
      }
    }
    let direct = TrainingSampler.render(kind: .pedestrianStepOut, seed: 3, frame: 120)
    #expect(direct.kind == .pedestrianStepOut && direct.frame == 120)
    #expect(direct.labels.objects.contains { $0.objectClass == .pedestrian })
  }
}
