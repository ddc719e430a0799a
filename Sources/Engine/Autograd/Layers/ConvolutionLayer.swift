/// Convolution, then optional batch normalisation, then an activation: the block int8 runtimes
/// run as one fused kernel once the normalisation is folded into the weights at export.
public final class ConvolutionLayer {
  public let name: String
  public let weight: Variable
  /// A learned bias when there is no normalisation (a bias before batch norm would be cancelled).
  public let bias: Variable?
  public let normalization: BatchNormalization?
  public let geometry: ConvolutionGeometry
  public let activation: Activation

  /// He-normal weights (std sqrt(2 / fan-in)) drawn from `generator`; biases start at `biasValue`.
  public init(
    name: String, inputChannels: Int, outputChannels: Int, kernel: Int, geometry: ConvolutionGeometry,
    normalized: Bool = true, activation: Activation = .relu, biasValue: Float = 0,
    weightScale: Float = 1, generator: inout SeededGenerator
  ) {
    precondition(inputChannels % geometry.groups == 0 && outputChannels % geometry.groups == 0)
    self.name = name
    let perGroup = inputChannels / geometry.groups
    let fanIn = Float(perGroup * kernel * kernel)
    let deviation = weightScale * (2 / fanIn).squareRoot()
    let count = outputChannels * perGroup * kernel * kernel
    weight = Variable(
      shape: [outputChannels, perGroup, kernel, kernel],
      value: (0..<count).map { _ in generator.normal() * deviation },
      requiresGradient: true)
    normalization = normalized ? BatchNormalization(channels: outputChannels) : nil
    bias =
      normalized
      ? nil
      : Variable(
        shape: [outputChannels], value: [Float](repeating: biasValue, count: outputChannels),
        requiresGradient: true)
    self.geometry = geometry
    self.activation = activation
  }

  public var outputChannels: Int { weight.shape[0] }

  public func callAsFunction(_ x: Variable, training: Bool) -> Variable {
    var y = x.conv2d(weight: weight, bias: bias, geometry)
    if let normalization { y = normalization(y, training: training) }
    return activation.apply(y)
  }

  public var parameters: [NamedParameter] {
    var result = [NamedParameter(name: "\(name).weight", variable: weight, decays: true)]
    if let bias { result.append(NamedParameter(name: "\(name).bias", variable: bias, decays: false)) }
    if let normalization {
      result.append(NamedParameter(name: "\(name).bn.weight", variable: normalization.scale, decays: false))
      result.append(NamedParameter(name: "\(name).bn.bias", variable: normalization.shift, decays: false))
    }
    return result
  }

  public var normalizations: [(name: String, layer: BatchNormalization)] {
    normalization.map { [("\(name).bn", $0)] } ?? []
  }

  /// Weight and bias with evaluation-mode batch normalisation folded in:
  /// w' = w * a per output channel, b' = b * a + c, where BN(y) = y * a + c.
  public func foldedWeightAndBias() -> (weight: Variable, bias: [Float]) {
    let outputs = outputChannels
    var bias = self.bias?.value ?? [Float](repeating: 0, count: outputs)
    guard let normalization else { return (Variable(shape: weight.shape, value: weight.value), bias) }
    let (multiplier, offset) = normalization.evaluationAffine
    var folded = weight.value
    let perOutput = weight.count / outputs
    for channel in 0..<outputs {
      for index in channel * perOutput..<(channel + 1) * perOutput { folded[index] *= multiplier[channel] }
      bias[channel] = bias[channel] * multiplier[channel] + offset[channel]
    }
    return (Variable(shape: weight.shape, value: folded), bias)
  }

  /// Appends Conv (normalisation folded) and the activation; returns the output tensor name.
  public func export(_ input: String, to exporter: inout GraphExporter) throws(TensorError) -> String {
    let (w, b) = foldedWeightAndBias()
    let convolution = try exporter.convolution(input, name, weight: w, bias: b, geometry: geometry)
    return try exporter.activation(convolution, activation)
  }
}
