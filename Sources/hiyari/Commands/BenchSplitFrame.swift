import Capture
import Engine
import Offload

/// The frame `hiyari bench-split` measures with: a decoded and preprocessed frame of a video
/// (what a camera gives, so a cloud-only upload compresses as it would on the road), or random
/// pixels (incompressible: the worst case for a cloud-only upload).
enum BenchSplitFrame {
  /// `--frame random` selects the random frame.
  static let random = "random"

  /// The inputs of `graph` for frame `index` of `video` (the model's first input, a 1x3xHxW
  /// float tensor), or random pixels for `random`.
  static func inputs(for graph: Graph, video: String, index: Int) throws -> [String: Tensor] {
    if video == random { return try SyntheticInputs.pixels(for: graph) }
    guard graph.inputs.count == 1, let input = graph.inputs.first, input.elementType == .float32,
      input.shape.count == 4, input.shape[0] == 1, input.shape[1] == 3
    else {
      throw OffloadError(
        "--frame needs a model with one 1x3xHxW float input (this one has \(graph.inputs.map { "\($0.name) \($0.shape)" }.joined(separator: ", "))); use --frame random"
      )
    }
    do {
      let source = try MediaSource(video)
      defer { source.close() }
      // 8-bit output, then code / 255: the frame crosses as its codes (see `PixelCodes.pixels`).
      let preprocessor = try Preprocessor(
        spec: PreprocessSpec(width: input.shape[3], height: input.shape[2], encoding: .uint8))
      var decoded: Frame?
      for _ in 0...index {
        guard let next = try source.nextFrame() else {
          throw OffloadError("--frame \(video) has no frame \(index)")
        }
        decoded = next
      }
      let codes = try preprocessor.makeOutputTensor()
      try preprocessor.process(decoded!, into: codes)
      return [input.name: PixelCodes.pixels(of: codes)!]
    } catch let error as OffloadError {
      throw error
    } catch {
      throw OffloadError("--frame \(video): \(error) (pass a video file, or --frame random)")
    }
  }
}
