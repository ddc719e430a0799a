import Engine
import Testing

@testable import Learning

@Suite struct AugmentationTests {
  static func sample() -> LabeledImage {
    var rgb = [UInt8](repeating: 0, count: 32 * 16 * 3)
    for y in 0..<16 {
      for x in 0..<32 { rgb[(y * 32 + x) * 3] = UInt8(x * 8) }
    }
    return LabeledImage(
      width: 32, height: 16, rgb: rgb, boxes: [TrainingBox(x0: 2, y0: 3, x1: 10, y1: 9, classIndex: 1)])
  }

  @Test func noneIsTheIdentityAtInputSize() {
    var generator = SeededGenerator(seed: 1)
    var pixels = [Float](repeating: -1, count: 3 * 32 * 16)
    let boxes = pixels.withUnsafeMutableBufferPointer {
      Augmentation.none.apply(Self.sample(), width: 32, height: 16, into: $0, generator: &generator)
    }
    #expect(boxes == Self.sample().boxes)
    #expect(Swift.abs(pixels[5 * 32 + 7] - Float(7 * 8) / 255) < 1e-6)
    #expect(pixels[512 + 5 * 32 + 7] == 0)
  }

  @Test func flipMirrorsPixelsAndBoxes() {
    var augmentation = Augmentation.none
    augmentation.flipProbability = 1
    var generator = SeededGenerator(seed: 1)
    var pixels = [Float](repeating: -1, count: 3 * 32 * 16)
    let boxes = pixels.withUnsafeMutableBufferPointer {
      augmentation.apply(Self.sample(), width: 32, height: 16, into: $0, generator: &generator)
    }
    #expect(boxes == [TrainingBox(x0: 22, y0: 3, x1: 30, y1: 9, classIndex: 1)])
    #expect(Swift.abs(pixels[5 * 32 + 24] - Float(7 * 8) / 255) < 1e-6)
  }

  @Test func cropAndJitterKeepBoxesInsideAndValuesInRange() {
    var generator = SeededGenerator(seed: 2)
    let augmentation = Augmentation()
    for _ in 0..<20 {
      var pixels = [Float](repeating: -1, count: 3 * 32 * 16)
      let boxes = pixels.withUnsafeMutableBufferPointer {
        augmentation.apply(Self.sample(), width: 32, height: 16, into: $0, generator: &generator)
      }
      #expect(pixels.allSatisfy { $0 >= 0 && $0 <= 1 })
      for box in boxes { #expect(box.x0 >= 0 && box.x1 <= 32 && box.y0 >= 0 && box.y1 <= 16 && box.area > 0) }
    }
  }
}
