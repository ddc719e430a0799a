import Engine

/// A depthwise 3x3 convolution (stride 1 or 2) then a pointwise 1x1, each with batch norm and
/// ReLU: MobileNet's block, cheap in MACs and friendly to int8 kernels.
final class DepthwiseSeparableBlock {
  let depthwise: ConvolutionLayer
  let pointwise: ConvolutionLayer

  init(name: String, input: Int, output: Int, stride: Int, generator: inout SeededGenerator) {
    depthwise = ConvolutionLayer(
      name: "\(name).dw", inputChannels: input, outputChannels: input, kernel: 3,
      geometry: ConvolutionGeometry(stride: stride, padding: 1, groups: input), generator: &generator)
    pointwise = ConvolutionLayer(
      name: "\(name).pw", inputChannels: input, outputChannels: output, kernel: 1,
      geometry: ConvolutionGeometry(),
      generator: &generator)
  }

  var layers: [ConvolutionLayer] { [depthwise, pointwise] }

  func callAsFunction(_ x: Variable, training: Bool) -> Variable {
    pointwise(depthwise(x, training: training), training: training)
  }

  func export(_ input: String, to exporter: inout GraphExporter) throws(TensorError) -> String {
    try pointwise.export(try depthwise.export(input, to: &exporter), to: &exporter)
  }
}
