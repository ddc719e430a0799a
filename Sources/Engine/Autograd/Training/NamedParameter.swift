/// A learnable value with the name it is saved under, and whether weight decay applies to it
/// (convolution weights yes; batch-norm scales and shifts and biases no).
public struct NamedParameter {
  public let name: String
  public let variable: Variable
  public let decays: Bool

  public init(name: String, variable: Variable, decays: Bool) {
    self.name = name
    self.variable = variable
    self.decays = decays
  }
}

/// A network whose parameters and non-learned state (batch-norm running statistics) can be
/// optimised, saved and restored.
public protocol Trainable: AnyObject {
  /// Every parameter, in a fixed order, with unique names.
  var parameters: [NamedParameter] { get }
  /// The batch-norm layers, in a fixed order, with unique names (their running statistics are
  /// saved as `<name>.running_mean` and `<name>.running_var`).
  var normalizations: [(name: String, layer: BatchNormalization)] { get }
}
