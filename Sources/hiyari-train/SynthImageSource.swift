import Learning
import Synth

/// Synth's rendered frames as Learning's labelled images: each frame with its labelled boxes
/// (objects at least `minimumVisible` unoccluded and `minimumSide` pixels on each side), and a
/// share of frames passed through H.264 for compression artefacts. Frame `index` is a pure
/// function of the seed, the size, the conditions and `index`.
final class SynthImageSource: LabeledImageSource {
  let sampler: TrainingSampler
  let count: Int
  /// The fraction of frames that go through an H.264 round trip.
  let compressedShare: Double
  let minimumVisible: Double
  let minimumSide: Double
  private let roundTrip = CompressionRoundTrip(crf: 30)

  init(
    seed: UInt64, count: Int, width: Int = 320, height: Int = 192, conditions: ConditionMix?,
    compressedShare: Double = 0.25, minimumVisible: Double = 0.3, minimumSide: Double = 2
  ) {
    precondition(count >= 1, "a source needs at least one frame")
    sampler = TrainingSampler(seed: seed, width: width, height: height, conditions: conditions)
    self.count = count
    self.compressedShare = compressedShare
    self.minimumVisible = minimumVisible
    self.minimumSide = minimumSide
  }

  func sample(at index: Int) throws -> LabeledImage {
    let rendered = sampler.sample(index)
    var image = rendered.image
    if isCompressed(index) { image = try roundTrip.apply([image])[0] }
    return LabeledImage(
      width: image.width, height: image.height, rgb: image.pixels,
      boxes: SynthImageSource.boxes(rendered.labels, minimumVisible: minimumVisible, minimumSide: minimumSide)
    )
  }

  /// Whether frame `index` goes through H.264 (decided by a hash, so it is the same every run).
  func isCompressed(_ index: Int) -> Bool {
    let draw = Double(SynthRandom.hash(sampler.seed, UInt64(index), 0x264) >> 11) * 0x1.0p-53
    return draw < compressedShare
  }

  /// The training boxes of a frame's labels: class index from `ObjectClass`, objects hidden
  /// more than `1 - minimumVisible` or thinner than `minimumSide` pixels left out.
  static func boxes(_ labels: FrameLabels, minimumVisible: Double, minimumSide: Double) -> [TrainingBox] {
    labels.objects.compactMap { object in
      let box = object.box
      guard object.visible >= minimumVisible, box[2] - box[0] >= minimumSide, box[3] - box[1] >= minimumSide
      else { return nil }
      return TrainingBox(
        x0: Float(box[0]), y0: Float(box[1]), x1: Float(box[2]), y1: Float(box[3]),
        classIndex: object.objectClass.index)
    }
  }
}
