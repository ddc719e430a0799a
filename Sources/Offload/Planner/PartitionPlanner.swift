/// Chooses the cut of a model that minimises expected latency on a link.
///
/// The exact part is a minimum s-t cut (the DADS formulation, Hu et al., INFOCOM 2019, with
/// tensors as vertices): the source side is the device, the sink side the cloud.
/// - node v: edge s->v of its cloud time plus the download of the graph outputs it writes (paid
///   when v runs in the cloud), edge v->t of its device time (paid when v runs on the device);
/// - tensor x written by p (or a graph input, written by s): edge p->x of its upload time, and
///   x->c of infinite capacity for each reader c, so a cloud reader pulls x to the cloud side
///   and the upload is paid once however many cloud nodes read it;
/// - closure: c->p of infinite capacity for each predecessor p of c, so a device node's inputs
///   are never computed in the cloud.
/// The RTT is paid once when anything runs in the cloud, which no sum of edges expresses; but it
/// needs no extra search: if the min-cut (without RTT) is device-only, device-only is optimal, as
/// every other cut already costs as much before its RTT; otherwise the min-cut is the cheapest
/// offloading cut, since all of them pay the same RTT, and it plus RTT is compared with
/// device-only.
///
/// Constraints (device memory, uplink bytes) are not edge sums either: a min-cut plan that meets
/// them is optimal; otherwise every valid cut is enumerated when there are at most
/// `enumerationLimit`, else the best feasible of the chain prefixes and of min-cuts with an
/// increasing per-byte uplink penalty (a Lagrangian sweep) is taken, marked `.candidates`.
public struct PartitionPlanner: Sendable {
  public var enumerationLimit: Int

  public init(enumerationLimit: Int = 1 << 14) {
    self.enumerationLimit = enumerationLimit
  }

  /// The best plan for `problem` on `link` within `constraints`; throws when no cut meets them.
  public func plan(
    _ problem: PartitionProblem, link: LinkEstimate, constraints: PlanConstraints = .none
  ) throws(OffloadError) -> Plan {
    var best = optimalPlan(problem, link: link)
    if best.satisfies(constraints) {
      best.method = .minimumCut
      return best
    }
    let method: PlanMethod
    let candidates: [Plan]
    if let heads = CutEnumeration.heads(of: problem, limit: enumerationLimit) {
      method = .enumeration
      candidates = heads.map { problem.evaluate(head: $0, link: link) }
    } else {
      method = .candidates
      candidates = heuristicCandidates(problem, link: link, constraints: constraints)
    }
    guard var chosen = Self.cheapest(candidates.filter { $0.satisfies(constraints) }) else {
      throw OffloadError(
        "no cut meets the constraints (device memory \(constraints.deviceMemoryBytes.map(String.init) ?? "any") bytes, uplink \(constraints.uplinkBytes.map(String.init) ?? "any") bytes per frame)"
      )
    }
    chosen.method = method
    return chosen
  }

  /// The latency-optimal plan over every closed head set (no constraints).
  public func optimalPlan(_ problem: PartitionProblem, link: LinkEstimate) -> Plan {
    let deviceOnly = problem.evaluate(head: [Bool](repeating: true, count: problem.nodes.count), link: link)
    guard !problem.nodes.isEmpty else { return deviceOnly }
    let free = problem.evaluate(head: minimumCutHead(problem, link: link), link: link)
    return Self.cheapest([deviceOnly, free])!
  }

  /// The head of a minimum cut without the RTT; `uplinkPenaltySecondsPerByte` adds a price per
  /// uploaded byte.
  public func minimumCutHead(
    _ problem: PartitionProblem, link: LinkEstimate, uplinkPenaltySecondsPerByte: Double = 0
  ) -> [Bool] {
    let nodeCount = problem.nodes.count
    let source = 0
    let sink = 1
    func nodeVertex(_ node: Int) -> Int { 2 + node }
    func tensorVertex(_ tensor: Int) -> Int { 2 + nodeCount + tensor }
    var returnSeconds = [Double](repeating: 0, count: nodeCount)
    for (index, tensor) in problem.tensors.enumerated() where tensor.isGraphOutput {
      if let producer = problem.producers[index] {
        returnSeconds[producer] += link.downloadSeconds(tensor.bytes)
      }
    }
    func upload(_ tensor: Int) -> Double {
      let bytes = problem.tensors[tensor].uploadBytes
      return link.uploadSeconds(bytes) + problem.tensors[tensor].encodeSeconds
        + uplinkPenaltySecondsPerByte * Double(bytes)
    }
    // Infinite costs (a dead link) become a finite `clamped` larger than any cut of finite
    // edges, and structural edges a `structural` larger than any cut of the others, so the
    // arithmetic stays finite; the plans are then priced exactly by `evaluate`.
    var finite = 0.0
    var edgeCount = 0
    func note(_ cost: Double) {
      edgeCount += 1
      if cost.isFinite { finite += cost }
    }
    for node in problem.nodes.indices {
      note(problem.nodes[node].cloudSeconds + returnSeconds[node])
      note(problem.nodes[node].deviceSeconds)
    }
    for tensor in problem.tensors.indices { note(upload(tensor)) }
    let clamped = finite + 1
    let structural = clamped * Double(edgeCount + 2)
    func capacity(_ cost: Double) -> Double { cost.isFinite ? cost : clamped }

    var flow = MaximumFlow(
      vertices: 2 + nodeCount + problem.tensors.count, epsilon: 1e-12 * max(1, finite))
    for (index, node) in problem.nodes.enumerated() {
      let vertex = nodeVertex(index)
      flow.addEdge(from: source, to: vertex, capacity: capacity(node.cloudSeconds + returnSeconds[index]))
      flow.addEdge(from: vertex, to: sink, capacity: capacity(node.deviceSeconds))
      for predecessor in problem.predecessors[index] {
        flow.addEdge(from: vertex, to: nodeVertex(predecessor), capacity: structural)
      }
    }
    for tensor in problem.tensors.indices where !problem.consumers[tensor].isEmpty {
      let writer = problem.producers[tensor].map(nodeVertex) ?? source
      flow.addEdge(from: writer, to: tensorVertex(tensor), capacity: capacity(upload(tensor)))
      for reader in problem.consumers[tensor] {
        flow.addEdge(from: tensorVertex(tensor), to: nodeVertex(reader), capacity: structural)
      }
    }
    _ = flow.maximize(source: source, sink: sink)
    let side = flow.sourceSide(source)
    return problem.nodes.indices.map { side[nodeVertex($0)] }
  }

  /// Candidates when the graph is too big to enumerate: chain prefixes, and min-cuts with the
  /// uplink priced ever higher (each doubling pushes the cut toward fewer uploaded bytes).
  func heuristicCandidates(
    _ problem: PartitionProblem, link: LinkEstimate, constraints: PlanConstraints
  ) -> [Plan] {
    var plans = problem.prefixHeads.map { problem.evaluate(head: $0, link: link) }
    let totalSeconds = problem.nodes.reduce(0.0) { $0 + $1.deviceSeconds + $1.cloudSeconds }
    var penalty =
      max(totalSeconds, 1e-9) / Double(max(1, problem.tensors.map(\.uploadBytes).max() ?? 1)) / 1024
    for _ in 0..<40 {
      let head = minimumCutHead(problem, link: link, uplinkPenaltySecondsPerByte: penalty)
      plans.append(problem.evaluate(head: head, link: link))
      penalty *= 2
    }
    return plans
  }

  /// The plan of least total latency (the first of equals).
  static func cheapest(_ plans: [Plan]) -> Plan? {
    plans.min { $0.totalMilliseconds < $1.totalMilliseconds }
  }
}
