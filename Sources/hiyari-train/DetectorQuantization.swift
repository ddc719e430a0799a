import Engine
import Learning
import Synth

/// Post-training int8 quantization of the exported detector with Engine's quantizer (QDQ,
/// per-channel int8 weights, uint8 activations), calibrated on synthetic frames of the training
/// conditions from a seed of their own, then fused into int8 kernels as `hiyari model quantize`
/// does.
struct DetectorQuantization {
  var method: CalibrationMethod
  var frames: Int
  var threads: Int

  func quantize(_ float: Graph, trainingSeed: UInt64) throws -> (graph: Graph, report: QuantizationReport) {
    let samples = try Self.inputs(
      seed: DataSplits.calibrationSeed(training: trainingSeed), count: frames,
      conditions: DataSplits.training,
      graph: float)
    let quantizer = PostTrainingQuantizer(
      options: .init(method: method, perChannelWeights: true, threadCount: threads))
    let table = try quantizer.calibrate(graph: float, samples: samples)
    let quantized = try fuseQuantizedOperators(quantizer.quantize(graph: float, table: table))
    let report = try quantizer.evaluate(float: float, quantized: quantized, samples: samples)
    return (quantized, report)
  }

  /// `count` rendered frames as the graph's input: planar RGB in 0...1 at the input's size (the
  /// preprocessing `hiyari run` applies to a frame of that size).
  static func inputs(seed: UInt64, count: Int, conditions: ConditionMix, graph: Graph) throws -> [[String:
    Tensor]]
  {
    guard let input = graph.inputs.first, input.shape.count == 4, input.shape[1] == 3 else {
      throw TrainCommandError("the detector's graph has no [1, 3, H, W] input")
    }
    let (height, width) = (input.shape[2], input.shape[3])
    let sampler = TrainingSampler(seed: seed, width: width, height: height, conditions: conditions)
    var generator = SeededGenerator(seed: seed)
    return try (0..<count).map { index in
      let image = sampler.sample(index).image
      let tensor = try Tensor(shape: [1, 3, height, width], elementType: .float32)
      tensor.withMutableElements(as: Float.self) { pixels in
        _ = Augmentation.none.apply(
          LabeledImage(width: width, height: height, rgb: image.pixels, boxes: []), width: width,
          height: height,
          into: pixels, generator: &generator)
      }
      return [input.name: tensor]
    }
  }
}
