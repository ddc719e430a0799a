import Engine

/// The measuring loop of `hiyari bench-split`: for each device and each link profile, the
/// planner's candidate cuts of the model (every valid cut when there are at most
/// `candidateLimit`, else the chain prefixes; always device-only, cloud-only and the planner's
/// choice), each predicted by the planner on the link's nominal figures and measured by a
/// `SplitMeasurer` over up to `frames` frames (fewer where the measurer's time cap per cut
/// stops it; `LatencySummary.count` says how many).
public struct SplitBenchmark: Sendable {
  public var graph: Graph
  /// The cloud server's profile of the same model.
  public var cloud: DeviceProfile
  public var devices: [SplitBenchmarkDevice]
  public var links: [LinkProfile]
  public var frames: Int
  /// Upload sizes of graph inputs when they cross compressed (as `hiyari plan` takes them); each
  /// device's time to compress them is `SplitBenchmarkDevice.inputEncodeSeconds`.
  public var compressedInputBytes: [String: Int]
  public var candidateLimit: Int
  /// The most cuts measured per cell (nil: all candidates). Past it, the cell keeps device-only,
  /// cloud-only and the choice, then the cuts the planner predicts fastest up to half the limit,
  /// then cuts spread evenly over the rest by head size. The oracle is then the best of the cuts
  /// measured: a cut left out is one the planner ranked low.
  public var measuredLimit: Int?
  public var planner: PartitionPlanner

  public init(
    graph: Graph, cloud: DeviceProfile, devices: [SplitBenchmarkDevice], links: [LinkProfile], frames: Int,
    compressedInputBytes: [String: Int] = [:], candidateLimit: Int = 64, measuredLimit: Int? = nil,
    planner: PartitionPlanner = .init()
  ) {
    self.graph = graph
    self.cloud = cloud
    self.devices = devices
    self.links = links
    self.frames = frames
    self.compressedInputBytes = compressedInputBytes
    self.candidateLimit = candidateLimit
    self.measuredLimit = measuredLimit
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
    if let measuredLimit, heads.count > measuredLimit {
      heads = Self.subsample(
        heads, required: [none, all, chosen.headMask], limit: measuredLimit,
        predicted: heads.map { problem.evaluate(head: $0, link: link).totalMilliseconds })
    }
    let order = heads.indices.sorted {
      (heads[$0].count { $0 }, $0) < (heads[$1].count { $0 }, $1)
    }
    let plans = order.map { problem.evaluate(head: heads[$0], link: link) }
    return (plans, plans.firstIndex { $0.headMask == chosen.headMask }!)
  }

  /// At most `limit` of `heads` (in their order): `required`, the fastest by `predicted` up to
  /// half the limit, then evenly spread over the rest by head size.
  static func subsample(_ heads: [[Bool]], required: [[Bool]], limit: Int, predicted: [Double]) -> [[Bool]] {
    var keep = Set(required.compactMap { heads.firstIndex(of: $0) })
    let byPrediction = heads.indices.sorted { (predicted[$0], $0) < (predicted[$1], $1) }
    for index in byPrediction where keep.count < (limit + 1) / 2 { keep.insert(index) }
    let rest = heads.indices.filter { !keep.contains($0) }.sorted {
      (heads[$0].count { $0 }, $0) < (heads[$1].count { $0 }, $1)
    }
    let take = min(max(0, limit - keep.count), rest.count)
    for step in 0..<take {
      // Evenly spaced positions, the first and the last included.
      keep.insert(rest[take == 1 ? rest.count / 2 : step * (rest.count - 1) / (take - 1)])
    }
    return heads.indices.filter(keep.contains).map { heads[$0] }
  }

  /// Measures every cell, device by device, link by link.
  public func run<Measurer: SplitMeasurer>(_ measurer: inout Measurer) throws -> SplitBenchmarkReport {
    guard frames >= 1 else { throw OffloadError("a benchmark needs at least one frame per cut") }
    var cells: [SplitBenchmarkCell] = []
    for device in devices {
      let problem = try PartitionProblem(
        graph: graph, device: device.profile, cloud: cloud, compressedInputBytes: compressedInputBytes,
        inputEncodeSeconds: device.inputEncodeSeconds)
      for link in links {
        let (plans, choice) = try candidates(problem, link: link.estimate)
        var cuts: [CutMeasurement] = []
        for plan in plans {
          let latencies = try measurer.measure(plan, device: device, link: link, frames: frames)
          guard (1...frames).contains(latencies.count) else {
            throw OffloadError(
              "the measurer returned \(latencies.count) latencies for \(frames) frames (\(device.name), \(link.name), \(plan.label))"
            )
          }
          cuts.append(CutMeasurement(plan: plan, measured: try LatencySummary(latencies)))
        }
        cells.append(
          try SplitBenchmarkCell(
            device: device.name, link: link.name, cuts: cuts, choice: choice, timeScale: device.timeScale))
      }
    }
    return SplitBenchmarkReport(model: cloud.model, frames: frames, cells: cells)
  }
}
