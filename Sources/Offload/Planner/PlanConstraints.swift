/// Limits a plan must respect beyond latency. Neither is a sum of per-edge costs the minimum cut
/// could minimise with latency, so the planner checks them on candidates (see `PartitionPlanner`).
public struct PlanConstraints: Sendable, Hashable {
  /// The most activation memory the head may use on the device (its memory plan's arena).
  public var deviceMemoryBytes: Int?
  /// The most bytes one frame may send up.
  public var uplinkBytes: Int?

  public init(deviceMemoryBytes: Int? = nil, uplinkBytes: Int? = nil) {
    self.deviceMemoryBytes = deviceMemoryBytes
    self.uplinkBytes = uplinkBytes
  }

  public static let none = PlanConstraints()
}
