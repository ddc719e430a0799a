import Engine

/// The measuring loop of `hiyari bench-split`: for each device and each link profile, the
/// planner's candidate cuts of the model (every valid cut when there are at most
/// `candidateLimit`, else the chain prefixes; always device-only, cloud-only and the planner's
/// choice), each predicted by the planner on the link's nominal figures and measured by a
/// `SplitMeasurer` over `frames` frames.
public struct SplitBenchmark: Sendable {
  public var graph: Graph
  /// The cloud server's profile of the same model.
  public var cloud: DeviceProfile
  public var devices: [SplitBenchmarkDevice]
  public var links: [LinkProfile]
  public var frames: Int
  /// Upload sizes of graph inputs when they cross compressed (as `hiyari plan` takes them).
  public var compressedInputBytes: [String: Int]
  public var candidateLimit: Int
  public var planner: PartitionPlanner

  public init(
    graph: Graph, cloud: DeviceProfile, devices: [SplitBenchmarkDevice], links: [LinkProfile], frames: Int,
    compressedInputBytes: [String: Int] = [:], candidateLimit: Int = 64, planner: PartitionPlanner = .init()
  ) {
    self.graph = graph
    self.cloud = cloud
    self.devices = devices
    self.links = links
    self.frames = frames
    self.compressedInputBytes = compressedInputBytes
    self.candidateLimit = candidateLimit
    self.planner = planner
  }

  /// The candidate cuts of `problem` on `link` with the planner's choice, ordered by head size
  /// (ties in enumeration order); the choice's index is returned with them.
  public func candidates(_ problem: PartitionProblem, link: LinkEstimate) throws(OffloadError) -> (
    plans: [Plan], choice: Int
  ) {
    let chosen = try planner.plan(problem, link: link)
    let all = [Bool](repeating: true, count: problem.nodes.count)
    let none = [Bool](repeating: false, count: problem.nodes.count)
    var heads = CutEnumeration.heads(of: problem, limit: candidateLimit) ?? problem.prefixHeads
    for head in [none, all, chosen.headMask] where !heads.contains(head) { heads.append(head) }
    let order = heads.indices.sorted {
      (heads[$0].count { $0 }, $0) < (heads[$1].count { $0 }, $1)
    }
    let plans = order.map { problem.evaluate(head: heads[$0], link: link) }
    return (plans, plans.firstIndex { $0.headMask == chosen.headMask }!)
  }

  /// Measures every cell, device by device, link by link.
  public func run<Measurer: SplitMeasurer>(_ measurer: inout Measurer) throws -> SplitBenchmarkReport {
    guard frames >= 1 else { throw OffloadError("a benchmark needs at least one frame per cut") }
    var cells: [SplitBenchmarkCell] = []
    for device in devices {
      let problem = try PartitionProblem(
        graph: graph, device: device.profile, cloud: cloud, compressedInputBytes: compressedInputBytes)
      for link in links {
        let (plans, choice) = try candidates(problem, link: link.estimate)
        var cuts: [CutMeasurement] = []
        for plan in plans {
          let latencies = try measurer.measure(plan, device: device, link: link, frames: frames)
          guard latencies.count == frames else {
            throw OffloadError(
              "the measurer returned \(latencies.count) latencies for \(frames) frames (\(device.name), \(link.name), \(plan.label))"
            )
          }
          cuts.append(CutMeasurement(plan: plan, measured: try LatencySummary(latencies)))
        }
        cells.append(try SplitBenchmarkCell(device: device.name, link: link.name, cuts: cuts, choice: choice))
      }
    }
    return SplitBenchmarkReport(model: cloud.model, frames: frames, cells: cells)
  }
}
