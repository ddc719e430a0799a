/// A node of a `PartitionProblem`: its time on each side of the link and the tensors it reads and
/// writes (indices into the problem's tensors).
public struct PlannerNode: Sendable, Hashable {
  public var name: String
  public var deviceSeconds: Double
  public var cloudSeconds: Double
  public var inputs: [Int]
  public var outputs: [Int]

  public init(name: String, deviceSeconds: Double, cloudSeconds: Double, inputs: [Int], outputs: [Int]) {
    self.name = name
    self.deviceSeconds = deviceSeconds
    self.cloudSeconds = cloudSeconds
    self.inputs = inputs
    self.outputs = outputs
  }
}
