/// Updates parameters from their accumulated gradients.
public protocol Optimizer: AnyObject {
  /// Applies one update at `learningRate` and clears the gradients.
  func step(learningRate: Float)
  /// Named state to save with a checkpoint (e.g. moment estimates), and to restore.
  func state() -> [(name: String, shape: [Int], values: [Float])]
  func restore(_ state: [String: [Float]]) throws(TrainingError)
}
