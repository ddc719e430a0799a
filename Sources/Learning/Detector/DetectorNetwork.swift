import Engine
import Glibc

/// The hiyari-fcos network: a MobileNet-style backbone (3x3 stem, depthwise-separable blocks)
/// to strides 8 and 16, a neck that upsamples stride 16 by 2 (nearest) and concatenates it with
/// stride 8, and per level a depthwise-separable block and two 1x1 heads: class logits, and
/// distances l, t, r, b through ReLU. The exported graph concatenates the two heads into one
/// [1, C + 4, H / s, W / s] output per level.
public final class DetectorNetwork: Trainable {
  public let configuration: DetectorConfiguration
  let stem: ConvolutionLayer
  let stage2: [DepthwiseSeparableBlock]  // stride 4
  let stage3: [DepthwiseSeparableBlock]  // stride 8
  let stage4: [DepthwiseSeparableBlock]  // stride 16
  let lateral: ConvolutionLayer
  let fuse: DepthwiseSeparableBlock
  let levelBlocks: [DepthwiseSeparableBlock]
  let classHeads: [ConvolutionLayer]
  let boxHeads: [ConvolutionLayer]

  /// The prior probability the class bias starts at (RetinaNet's 0.01), so that the focal loss
  /// of the many background cells does not swamp the first steps.
  static let classPrior: Float = 0.01

  public init(configuration: DetectorConfiguration = DetectorConfiguration(), seed: UInt64) {
    self.configuration = configuration
    var generator = SeededGenerator(seed: seed)
    let c = configuration.channels
    let (c1, c2, c3, c4, neck) = (c(32), c(64), c(128), c(256), c(128))
    stem = ConvolutionLayer(
      name: "stem", inputChannels: 3, outputChannels: c1, kernel: 3,
      geometry: ConvolutionGeometry(stride: 2, padding: 1),
      generator: &generator)
    stage2 = [
      DepthwiseSeparableBlock(name: "stage2.0", input: c1, output: c2, stride: 2, generator: &generator),
      DepthwiseSeparableBlock(name: "stage2.1", input: c2, output: c2, stride: 1, generator: &generator),
    ]
    stage3 = [
      DepthwiseSeparableBlock(name: "stage3.0", input: c2, output: c3, stride: 2, generator: &generator),
      DepthwiseSeparableBlock(name: "stage3.1", input: c3, output: c3, stride: 1, generator: &generator),
      DepthwiseSeparableBlock(name: "stage3.2", input: c3, output: c3, stride: 1, generator: &generator),
    ]
    stage4 = [
      DepthwiseSeparableBlock(name: "stage4.0", input: c3, output: c4, stride: 2, generator: &generator),
      DepthwiseSeparableBlock(name: "stage4.1", input: c4, output: c4, stride: 1, generator: &generator),
      DepthwiseSeparableBlock(name: "stage4.2", input: c4, output: c4, stride: 1, generator: &generator),
    ]
    lateral = ConvolutionLayer(
      name: "neck.lateral", inputChannels: c4, outputChannels: neck, kernel: 1,
      geometry: ConvolutionGeometry(),
      generator: &generator)
    fuse = DepthwiseSeparableBlock(
      name: "neck.fuse", input: neck + c3, output: neck, stride: 1, generator: &generator)
    levelBlocks = [
      DepthwiseSeparableBlock(name: "head8", input: neck, output: neck, stride: 1, generator: &generator),
      DepthwiseSeparableBlock(name: "head16", input: neck, output: neck, stride: 1, generator: &generator),
    ]
    let prior = -Glibc.logf((1 - DetectorNetwork.classPrior) / DetectorNetwork.classPrior)
    classHeads = ["head8", "head16"].map {
      ConvolutionLayer(
        name: "\($0).class", inputChannels: neck, outputChannels: configuration.classCount, kernel: 1,
        geometry: ConvolutionGeometry(), normalized: false, activation: .identity, biasValue: prior,
        weightScale: 0.1, generator: &generator)
    }
    // Box distances start near one stride per side, where GIoU has a useful gradient (a zero box
    // after ReLU has none).
    boxHeads = ["head8", "head16"].map {
      ConvolutionLayer(
        name: "\($0).box", inputChannels: neck, outputChannels: 4, kernel: 1, geometry: ConvolutionGeometry(),
        normalized: false, activation: .relu, biasValue: 1, weightScale: 0.1, generator: &generator)
    }
  }

  var layers: [ConvolutionLayer] {
    [stem] + (stage2 + stage3 + stage4).flatMap(\.layers) + [lateral] + fuse.layers
      + levelBlocks.flatMap(\.layers) + classHeads + boxHeads
  }

  public var parameters: [NamedParameter] { layers.flatMap(\.parameters) }
  public var normalizations: [(name: String, layer: BatchNormalization)] { layers.flatMap(\.normalizations) }

  /// Per level (stride 8, then 16): class logits [N, C, H/s, W/s] and distances [N, 4, H/s, W/s]
  /// in stride units.
  public func callAsFunction(_ images: Variable, training: Bool) -> [(classes: Variable, boxes: Variable)] {
    var x = stem(images, training: training)
    for block in stage2 { x = block(x, training: training) }
    for block in stage3 { x = block(x, training: training) }
    let c3 = x
    for block in stage4 { x = block(x, training: training) }
    let p4 = lateral(x, training: training)
    let p3 = fuse(Variable.concatenatingChannels([p4.upsampleNearest2x(), c3]), training: training)
    return [p3, p4].enumerated().map { level, features in
      let shared = levelBlocks[level](features, training: training)
      return (classHeads[level](shared, training: training), boxHeads[level](shared, training: training))
    }
  }

  /// The evaluation-mode network as an Engine graph: input `images` [1, 3, H, W], outputs
  /// `output_stride8` and `output_stride16`, batch norm folded, hiyari-fcos metadata.
  public func exportGraph(batch: Int = 1) throws(TensorError) -> Graph {
    var exporter = GraphExporter()
    var x = try stem.export("images", to: &exporter)
    for block in stage2 { x = try block.export(x, to: &exporter) }
    for block in stage3 { x = try block.export(x, to: &exporter) }
    let c3 = x
    for block in stage4 { x = try block.export(x, to: &exporter) }
    let p4 = try lateral.export(x, to: &exporter)
    let p3 = try fuse.export(
      exporter.concatenateChannels([try exporter.upsampleNearest2x(p4), c3]), to: &exporter)
    var outputs: [String] = []
    for (level, features) in [p3, p4].enumerated() {
      let shared = try levelBlocks[level].export(features, to: &exporter)
      let classes = try classHeads[level].export(shared, to: &exporter)
      let boxes = try boxHeads[level].export(shared, to: &exporter)
      let name = "output_stride\(configuration.strides[level])"
      exporter.appendNamed("Concat", name, inputs: [classes, boxes], attributes: ["axis": .int(1)])
      outputs.append(name)
    }
    return exporter.graph(
      input: TensorInfo(
        name: "images", elementType: .float32,
        shape: [batch, 3, configuration.inputHeight, configuration.inputWidth]),
      outputs: outputs, metadata: configuration.metadata)
  }
}
