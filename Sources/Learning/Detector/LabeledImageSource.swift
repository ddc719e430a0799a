/// Where training images come from (Synth's rendered frames, or a test's drawings). Index
/// order is the caller's: the trainer picks indices from its own seeded generator.
public protocol LabeledImageSource {
  var count: Int { get }
  func sample(at index: Int) throws -> LabeledImage
}
