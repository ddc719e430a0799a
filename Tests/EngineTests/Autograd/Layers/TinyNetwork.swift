@testable import Engine

/// A small network over every exported operation: a strided stem, a depthwise/pointwise pair,
/// max pool, upsample, concat, a 1x1 head with bias, and a global-average-pool output.
final class TinyNetwork: Trainable {
  let stem: ConvolutionLayer, depthwise: ConvolutionLayer, pointwise: ConvolutionLayer
  let branch: ConvolutionLayer, head: ConvolutionLayer

  init(seed: UInt64) {
    var generator = SeededGenerator(seed: seed)
    stem = ConvolutionLayer(
      name: "stem", inputChannels: 3, outputChannels: 8, kernel: 3,
      geometry: ConvolutionGeometry(stride: 2, padding: 1),
      activation: .relu6, generator: &generator)
    depthwise = ConvolutionLayer(
      name: "dw", inputChannels: 8, outputChannels: 8, kernel: 3,
      geometry: ConvolutionGeometry(stride: 1, padding: 1, groups: 8), activation: .relu,
      generator: &generator)
    pointwise = ConvolutionLayer(
      name: "pw", inputChannels: 8, outputChannels: 16, kernel: 1, geometry: ConvolutionGeometry(),
      activation: .leakyRelu(0.1), generator: &generator)
    branch = ConvolutionLayer(
      name: "branch", inputChannels: 16, outputChannels: 16, kernel: 3,
      geometry: ConvolutionGeometry(padding: 1),
      generator: &generator)
    head = ConvolutionLayer(
      name: "head", inputChannels: 32, outputChannels: 6, kernel: 1, geometry: ConvolutionGeometry(),
      normalized: false, activation: .identity, biasValue: 0.3, generator: &generator)
  }

  var layers: [ConvolutionLayer] { [stem, depthwise, pointwise, branch, head] }
  var parameters: [NamedParameter] { layers.flatMap(\.parameters) }
  var normalizations: [(name: String, layer: BatchNormalization)] { layers.flatMap(\.normalizations) }

  func callAsFunction(_ x: Variable, training: Bool) -> (Variable, Variable) {
    let features = pointwise(depthwise(stem(x, training: training), training: training), training: training)
    let pooled = features.maxPool(kernel: 2, ConvolutionGeometry(stride: 2))
    let up = branch(pooled, training: training).upsampleNearest2x()
    let joined = Variable.concatenatingChannels([features, up])
    return (head(joined, training: training), features.globalAveragePool())
  }

  func export(inputShape: [Int]) throws -> Graph {
    var exporter = GraphExporter()
    let features = try pointwise.export(
      try depthwise.export(try stem.export("images", to: &exporter), to: &exporter), to: &exporter)
    let pooled = exporter.maxPool(features, kernel: 2, ConvolutionGeometry(stride: 2))
    let up = try exporter.upsampleNearest2x(try branch.export(pooled, to: &exporter))
    let joined = exporter.concatenateChannels([features, up])
    let output = try head.export(joined, to: &exporter)
    let average = exporter.globalAveragePool(features)
    return exporter.graph(
      input: TensorInfo(name: "images", elementType: .float32, shape: inputShape), outputs: [output, average])
  }
}
