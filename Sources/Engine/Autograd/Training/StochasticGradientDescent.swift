/// SGD with momentum (PyTorch's form: v = mu v + g + wd w; w -= lr v), with L2 weight decay on
/// the parameters that take it.
public final class StochasticGradientDescent: Optimizer {
  public let parameters: [NamedParameter]
  public let momentum: Float
  public let weightDecay: Float
  private var velocity: [[Float]]

  public init(parameters: [NamedParameter], momentum: Float = 0.9, weightDecay: Float = 0) {
    self.parameters = parameters
    self.momentum = momentum
    self.weightDecay = weightDecay
    velocity = parameters.map { [Float](repeating: 0, count: $0.variable.count) }
  }

  public func step(learningRate: Float) {
    for (index, parameter) in parameters.enumerated() {
      let variable = parameter.variable
      guard !variable.gradient.isEmpty else { continue }
      let decay = parameter.decays ? weightDecay : 0
      for element in 0..<variable.count {
        let g = variable.gradient[element] + decay * variable.value[element]
        velocity[index][element] = momentum * velocity[index][element] + g
        variable.value[element] -= learningRate * velocity[index][element]
      }
      variable.zeroGradient()
    }
  }

  public func state() -> [(name: String, shape: [Int], values: [Float])] {
    zip(parameters, velocity).map { ("sgd.velocity/\($0.name)", $0.variable.shape, $1) }
  }

  public func restore(_ state: [String: [Float]]) throws(TrainingError) {
    for (index, parameter) in parameters.enumerated() {
      guard let values = state["sgd.velocity/\(parameter.name)"], values.count == parameter.variable.count
      else {
        throw TrainingError("optimizer state has no velocity of the right size for \(parameter.name)")
      }
      velocity[index] = values
    }
  }
}
