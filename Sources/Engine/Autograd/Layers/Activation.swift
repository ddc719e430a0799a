/// The activation after a convolution: ReLU-family only, so the int8 runtime clamps it for free.
public enum Activation: Sendable, Hashable, Codable {
  case identity
  case relu
  case relu6
  case leakyRelu(Float)

  func apply(_ x: Variable) -> Variable {
    switch self {
    case .identity: x
    case .relu: x.relu()
    case .relu6: x.relu6()
    case .leakyRelu(let slope): x.leakyRelu(slope: slope)
    }
  }
}
