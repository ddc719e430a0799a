/// One candidate cut in one benchmark cell: what the planner predicted and what was measured.
public struct CutMeasurement: Sendable, Hashable, Codable {
  /// `Plan.label`: the uploaded tensors, "device-only" or "cloud-only (...)". Not unique: two
  /// cuts can upload the same tensors and differ in where a graph output is computed.
  public var label: String
  /// What identifies the cut: its head nodes joined by ",", empty for cloud-only.
  public var id: String
  /// Head nodes (run on the device), in execution order.
  public var headNodes: [String]
  public var uplinkBytes: Int
  public var isDeviceOnly: Bool
  public var isCloudOnly: Bool
  /// The planner's expected end-to-end latency on the link profile's nominal figures.
  public var predictedMilliseconds: Double
  public var measured: LatencySummary

  public init(plan: Plan, measured: LatencySummary) {
    label = plan.label
    id = plan.headNodes.joined(separator: ",")
    headNodes = plan.headNodes
    uplinkBytes = plan.uplinkBytes
    isDeviceOnly = plan.isDeviceOnly
    isCloudOnly = plan.isCloudOnly
    predictedMilliseconds = plan.totalMilliseconds
    self.measured = measured
  }
}
