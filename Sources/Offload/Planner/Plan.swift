import Engine

/// One way to split a model and what it costs on a given link: the head nodes (run on the
/// device), the tensors sent up and down, and the expected latency in parts.
public struct Plan: Sendable, Hashable {
  /// Which nodes run on the device, indexed like the problem's nodes.
  public var headMask: [Bool]
  /// Head node names in execution order.
  public var headNodes: [String]
  /// Tensors sent up, each once (a graph input counts as the raw or compressed input upload).
  public var uploaded: [CrossingTensor]
  /// Graph outputs computed in the cloud, sent back down.
  public var returned: [CrossingTensor]
  /// Engine's form of the split, for `CompiledModel.part`: the uploaded tensors plus the graph
  /// outputs the head computes (Engine passes those through the tail).
  public var cut: Cut
  public var deviceMilliseconds: Double
  /// Encoding the uploaded tensors on the device (compressing a frame) and sending them.
  public var uploadMilliseconds: Double
  /// One round trip when anything runs in the cloud, else 0.
  public var roundTripMilliseconds: Double
  public var cloudMilliseconds: Double
  public var downloadMilliseconds: Double
  /// Peak activation memory of the head: the arena its memory plan allocates.
  public var headArenaBytes: Int
  public var method: PlanMethod?

  public init(
    headMask: [Bool], headNodes: [String], uploaded: [CrossingTensor], returned: [CrossingTensor], cut: Cut,
    deviceMilliseconds: Double, uploadMilliseconds: Double, roundTripMilliseconds: Double,
    cloudMilliseconds: Double, downloadMilliseconds: Double, headArenaBytes: Int, method: PlanMethod? = nil
  ) {
    self.headMask = headMask
    self.headNodes = headNodes
    self.uploaded = uploaded
    self.returned = returned
    self.cut = cut
    self.deviceMilliseconds = deviceMilliseconds
    self.uploadMilliseconds = uploadMilliseconds
    self.roundTripMilliseconds = roundTripMilliseconds
    self.cloudMilliseconds = cloudMilliseconds
    self.downloadMilliseconds = downloadMilliseconds
    self.headArenaBytes = headArenaBytes
    self.method = method
  }

  /// Bytes sent up per frame.
  public var uplinkBytes: Int { uploaded.reduce(0) { $0 + $1.bytes } }
  /// Bytes sent down per frame.
  public var downlinkBytes: Int { returned.reduce(0) { $0 + $1.bytes } }
  /// Upload, round trip and download.
  public var transferMilliseconds: Double {
    uploadMilliseconds + roundTripMilliseconds + downloadMilliseconds
  }
  /// Expected end-to-end latency.
  public var totalMilliseconds: Double { deviceMilliseconds + transferMilliseconds + cloudMilliseconds }
  public var isDeviceOnly: Bool { headMask.allSatisfy { $0 } }
  public var isCloudOnly: Bool { !headMask.contains(true) }

  /// The cut by what crosses: "device-only", "cloud-only (input)", or the uploaded tensors
  /// joined by "+".
  public var label: String {
    if isDeviceOnly { return "device-only" }
    let names = uploaded.map(\.name).joined(separator: "+")
    return isCloudOnly ? "cloud-only (\(names))" : names
  }

  /// Whether the plan meets `constraints`.
  public func satisfies(_ constraints: PlanConstraints) -> Bool {
    if let cap = constraints.deviceMemoryBytes, headArenaBytes > cap { return false }
    if let budget = constraints.uplinkBytes, uplinkBytes > budget { return false }
    return totalMilliseconds.isFinite
  }
}
