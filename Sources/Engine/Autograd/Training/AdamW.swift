import Glibc

/// Adam with decoupled weight decay (Loshchilov and Hutter): w -= lr (m^ / (sqrt(v^) + eps) +
/// wd w), the decay only on parameters that take it (not batch-norm or biases).
public final class AdamW: Optimizer {
  public let parameters: [NamedParameter]
  public let beta1: Float, beta2: Float, epsilon: Float
  public let weightDecay: Float
  public private(set) var steps = 0
  private var first: [[Float]]
  private var second: [[Float]]

  public init(
    parameters: [NamedParameter], beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0.01
  ) {
    self.parameters = parameters
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
    first = parameters.map { [Float](repeating: 0, count: $0.variable.count) }
    second = first
  }

  public func step(learningRate: Float) {
    steps += 1
    let correction1 = 1 - Glibc.powf(beta1, Float(steps))
    let correction2 = 1 - Glibc.powf(beta2, Float(steps))
    for (index, parameter) in parameters.enumerated() {
      let variable = parameter.variable
      guard !variable.gradient.isEmpty else { continue }
      let decay = parameter.decays ? weightDecay : 0
      first[index].withUnsafeMutableBufferPointer { m in
        second[index].withUnsafeMutableBufferPointer { v in
          variable.gradient.withUnsafeBufferPointer { g in
            variable.value.withUnsafeMutableBufferPointer { w in
              for element in 0..<w.count {
                m[element] = beta1 * m[element] + (1 - beta1) * g[element]
                v[element] = beta2 * v[element] + (1 - beta2) * g[element] * g[element]
                let update = (m[element] / correction1) / ((v[element] / correction2).squareRoot() + epsilon)
                w[element] -= learningRate * (update + decay * w[element])
              }
            }
          }
        }
      }
      variable.zeroGradient()
    }
  }

  public func state() -> [(name: String, shape: [Int], values: [Float])] {
    var result: [(name: String, shape: [Int], values: [Float])] = [("adamw.steps", [1], [Float(steps)])]
    for (index, parameter) in parameters.enumerated() {
      result.append(("adamw.m/\(parameter.name)", parameter.variable.shape, first[index]))
      result.append(("adamw.v/\(parameter.name)", parameter.variable.shape, second[index]))
    }
    return result
  }

  public func restore(_ state: [String: [Float]]) throws(TrainingError) {
    guard let count = state["adamw.steps"]?.first, count >= 0, count < 1e9 else {
      throw TrainingError("optimizer state has no step count")
    }
    for (index, parameter) in parameters.enumerated() {
      guard let m = state["adamw.m/\(parameter.name)"], let v = state["adamw.v/\(parameter.name)"],
        m.count == parameter.variable.count, v.count == parameter.variable.count
      else { throw TrainingError("optimizer state has no moments of the right size for \(parameter.name)") }
      first[index] = m
      second[index] = v
    }
    steps = Int(count)
  }
}
