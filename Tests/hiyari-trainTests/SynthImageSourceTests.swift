import Learning
import Synth
import Testing

@testable import hiyari_train

@Suite struct SynthImageSourceTests {
  @Test func boxesAreSynthsLabelsOfVisibleObjects() throws {
    let source = SynthImageSource(
      seed: 4, count: 1000, width: 160, height: 96, conditions: DataSplits.training, compressedShare: 0)
    let sampler = TrainingSampler(seed: 4, width: 160, height: 96, conditions: DataSplits.training)
    var compared = 0
    for index in stride(from: 0, to: 200, by: 5) {
      let image = try source.sample(at: index)
      let rendered = sampler.sample(index)
      #expect(image.width == 160 && image.height == 96 && image.rgb == rendered.image.pixels)
      let expected = rendered.labels.objects.filter {
        $0.visible >= 0.3 && $0.box[2] - $0.box[0] >= 2 && $0.box[3] - $0.box[1] >= 2
      }
      #expect(image.boxes.count == expected.count)
      for (box, object) in zip(image.boxes, expected) {
        #expect(DetectorConfiguration.standardClasses[box.classIndex] == object.objectClass.rawValue)
        #expect(
          box
            == TrainingBox(
              x0: Float(object.box[0]), y0: Float(object.box[1]), x1: Float(object.box[2]),
              y1: Float(object.box[3]), classIndex: box.classIndex))
      }
      try image.validate(classCount: 4)
      compared += expected.count
    }
    #expect(compared > 20, "the frames held too few labelled objects to compare")
  }

  @Test func compressedFramesKeepTheirBoxesAndSizeAndAreRepeatable() throws {
    let source = SynthImageSource(
      seed: 9, count: 100, width: 96, height: 64, conditions: nil, compressedShare: 1)
    let plain = SynthImageSource(
      seed: 9, count: 100, width: 96, height: 64, conditions: nil, compressedShare: 0)
    #expect(source.isCompressed(3) && !plain.isCompressed(3))
    let compressed = try source.sample(at: 3)
    let original = try plain.sample(at: 3)
    #expect(compressed.boxes == original.boxes)
    #expect(compressed.rgb.count == original.rgb.count && compressed.rgb != original.rgb)
    // H.264 artefacts, not a different picture: the mean absolute difference is a few steps.
    let difference = zip(compressed.rgb, original.rgb).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }
    #expect(Double(difference) / Double(original.rgb.count) < 12)
    #expect(try source.sample(at: 3).rgb == compressed.rgb)
  }

  @Test func theCompressedShareIsRoughlyTheFraction() {
    let source = SynthImageSource(seed: 1, count: 10, conditions: nil, compressedShare: 0.25)
    let share = Double((0..<2000).filter(source.isCompressed).count) / 2000
    #expect(abs(share - 0.25) < 0.04)
  }
}
