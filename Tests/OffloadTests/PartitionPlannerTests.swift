import Testing

@testable import Offload

@Suite struct PartitionPlannerTests {
  let planner = PartitionPlanner()

  func bestByEnumeration(
    _ problem: PartitionProblem, _ link: LinkEstimate, _ constraints: PlanConstraints = .none
  )
    -> Plan?
  {
    let heads = CutEnumeration.heads(of: problem, limit: 1 << 20)!
    return heads.map { problem.evaluate(head: $0, link: link) }.filter { $0.satisfies(constraints) }
      .min { $0.totalMilliseconds < $1.totalMilliseconds }
  }

  func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

  @Test func minimumCutEqualsExhaustiveEnumerationOnRandomDAGs() throws {
    var random = RandomProblems(seed: 5)
    var kinds: [String: Int] = [:]
    var branched = 0
    for trial in 0..<300 {
      let problem = try random.problem(compressedInput: trial % 3 == 0)
      let link = trial % 2 == 0 ? random.link() : random.fastLink()
      let plan = try planner.plan(problem, link: link)
      let best = bestByEnumeration(problem, link)!
      #expect(plan.method == .minimumCut)
      #expect(problem.isClosed(plan.headMask))
      #expect(
        close(plan.totalMilliseconds, best.totalMilliseconds),
        "trial \(trial): min-cut \(plan.totalMilliseconds) ms, enumeration \(best.totalMilliseconds) ms")
      kinds[plan.isDeviceOnly ? "device" : plan.isCloudOnly ? "cloud" : "split", default: 0] += 1
      if problem.predecessors.contains(where: { $0.count > 1 }) { branched += 1 }
    }
    // The random set exercises every kind of answer and joins of branches.
    #expect(
      kinds["device", default: 0] > 20 && kinds["cloud", default: 0] > 10 && kinds["split", default: 0] > 50)
    #expect(branched > 100)
  }

  /// a -> p (large); two branches shrink p at different depths: b1 then an expensive c1, and b2;
  /// d joins them. The best cut crosses q1 and q2, one from each branch; in this order every
  /// prefix either uploads p or runs c1 on the device.
  static func diamond() throws -> PartitionProblem {
    let tensors = [
      PlannerTensor(name: "x", bytes: 600_000, isGraphInput: true),
      PlannerTensor(name: "p", bytes: 400_000), PlannerTensor(name: "q1", bytes: 2_000),
      PlannerTensor(name: "r1", bytes: 2_000), PlannerTensor(name: "q2", bytes: 2_000),
      PlannerTensor(name: "y", bytes: 100, isGraphOutput: true),
    ]
    let nodes = [
      PlannerNode(name: "a", deviceSeconds: 0.002, cloudSeconds: 0.001, inputs: [0], outputs: [1]),
      PlannerNode(name: "b1", deviceSeconds: 0.002, cloudSeconds: 0.001, inputs: [1], outputs: [2]),
      PlannerNode(name: "c1", deviceSeconds: 0.100, cloudSeconds: 0.002, inputs: [2], outputs: [3]),
      PlannerNode(name: "b2", deviceSeconds: 0.002, cloudSeconds: 0.001, inputs: [1], outputs: [4]),
      PlannerNode(name: "d", deviceSeconds: 0.100, cloudSeconds: 0.002, inputs: [3, 4], outputs: [5]),
    ]
    return try PartitionProblem(nodes: nodes, tensors: tensors)
  }

  @Test func diamondCutCrossesBothBranchesAndBeatsEveryPrefix() throws {
    let problem = try Self.diamond()
    let link = LinkEstimate(uplinkBitsPerSecond: 10e6, downlinkBitsPerSecond: 10e6, roundTripSeconds: 0.02)
    let plan = try planner.plan(problem, link: link)
    #expect(plan.headNodes == ["a", "b1", "b2"])
    #expect(plan.uploaded.map(\.name) == ["q1", "q2"])
    #expect(plan.uplinkBytes == 4_000)
    #expect(plan.cut.crossing == ["q1", "q2"])
    let bestPrefix = problem.prefixHeads.map { problem.evaluate(head: $0, link: link).totalMilliseconds }
      .min()!
    // The best prefix uploads p (320 ms at 10 Mbit/s) or runs c1 on the device (100 ms).
    #expect(plan.totalMilliseconds < bestPrefix - 50)
    // device 6 ms + 4000 bytes at 10 Mbit/s (3.2 ms) + 20 ms RTT + cloud 4 ms + 100 bytes down.
    #expect(close(plan.totalMilliseconds, 6 + 3.2 + 20 + 4 + 0.08))
  }

  @Test func deviceOnlyOnADeadLinkAndCloudOnlyOnAPerfectOne() throws {
    var random = RandomProblems(seed: 11)
    for _ in 0..<50 {
      let problem = try random.problem()
      let dead = LinkEstimate(uplinkBitsPerSecond: 0, downlinkBitsPerSecond: 0, roundTripSeconds: 0.05)
      let offline = try planner.plan(problem, link: dead)
      #expect(offline.isDeviceOnly)
      #expect(offline.totalMilliseconds.isFinite)
      #expect(offline.uploaded.isEmpty && offline.roundTripMilliseconds == 0)
      // Every cloud time is below the device time (cloudSeconds = device * 0.02...1.2 would not
      // do), so with free transfer everything goes to the cloud.
      let faster = try PartitionProblem(
        nodes: problem.nodes.map {
          var node = $0
          node.cloudSeconds = node.deviceSeconds / 2
          node.deviceSeconds += 1e-4
          return node
        }, tensors: problem.tensors)
      let perfect = LinkEstimate(
        uplinkBitsPerSecond: .infinity, downlinkBitsPerSecond: .infinity, roundTripSeconds: 0)
      let online = try planner.plan(faster, link: perfect)
      #expect(online.isCloudOnly)
      #expect(online.uploaded.allSatisfy { $0.isGraphInput })
      #expect(online.deviceMilliseconds == 0)
    }
  }

  @Test func compressedInputMakesCloudOnlyCheaper() throws {
    let problem = try Self.diamond()
    let link = LinkEstimate(uplinkBitsPerSecond: 10e6, downlinkBitsPerSecond: 10e6, roundTripSeconds: 0.02)
    let cloudOnly = problem.evaluate(head: [false, false, false, false, false], link: link)
    #expect(cloudOnly.uploaded == [CrossingTensor(name: "x", bytes: 600_000, isGraphInput: true)])
    var tensors = problem.tensors
    tensors[0].uploadBytes = 3_000
    let compressed = try PartitionProblem(nodes: problem.nodes, tensors: tensors)
    let plan = try planner.plan(compressed, link: link)
    // A 3 kB JPEG (2.4 ms) beats running a, b1, b2 here (6 ms) and uploading q1, q2 (3.2 ms),
    // even though the cloud then runs them (3 ms).
    #expect(plan.isCloudOnly)
    #expect(plan.uplinkBytes == 3_000)
    #expect(close(plan.uploadMilliseconds, 2.4))
  }

  @Test func memoryCapAndUplinkBudgetAreRespectedAndOptimal() throws {
    var random = RandomProblems(seed: 23)
    var memoryBinding = 0
    var uplinkBinding = 0
    var offloaded = 0
    var heuristicPlans = 0
    for _ in 0..<150 {
      let problem = try random.problem(maximumNodes: 10)
      // Fast links, so that the unconstrained plan often uploads something a budget can forbid.
      let link = random.fastLink()
      let free = try planner.plan(problem, link: link)
      offloaded += free.isDeviceOnly ? 0 : 1
      let heads = CutEnumeration.heads(of: problem, limit: 1 << 20)!
      let plans = heads.map { problem.evaluate(head: $0, link: link) }
      // A cap some cut meets, mostly below what the unconstrained plan needs; likewise a budget.
      func pick(_ values: [Int], below limit: Int) -> Int {
        let lower = values.filter { $0 < limit }
        let pool = lower.isEmpty || random.int(0...3) == 0 ? values : lower
        return pool[random.int(0...(pool.count - 1))]
      }
      let cap = pick(plans.map(\.headArenaBytes), below: free.headArenaBytes)
      let budget = pick(plans.map(\.uplinkBytes), below: free.uplinkBytes)
      for constraints in [PlanConstraints(deviceMemoryBytes: cap), PlanConstraints(uplinkBytes: budget)] {
        let best = bestByEnumeration(problem, link, constraints)
        guard let best else {
          #expect(throws: OffloadError.self) {
            try planner.plan(problem, link: link, constraints: constraints)
          }
          continue
        }
        let plan = try planner.plan(problem, link: link, constraints: constraints)
        #expect(plan.satisfies(constraints))
        #expect(close(plan.totalMilliseconds, best.totalMilliseconds))
        if !free.satisfies(constraints) {
          #expect(plan.method == .enumeration)
          if constraints.deviceMemoryBytes != nil { memoryBinding += 1 } else { uplinkBinding += 1 }
        }
        // Too many cuts to enumerate: the candidates still meet the constraints, and are no
        // better than the optimum.
        let small = PartitionPlanner(enumerationLimit: 1)
        if !free.satisfies(constraints),
          let heuristic = try? small.plan(problem, link: link, constraints: constraints)
        {
          #expect(heuristic.method == .candidates)
          #expect(heuristic.satisfies(constraints))
          #expect(heuristic.totalMilliseconds >= best.totalMilliseconds - 1e-9)
          heuristicPlans += 1
        }
      }
    }
    #expect(offloaded > 30)
    #expect(heuristicPlans > 20)
    #expect(memoryBinding > 20)
    #expect(uplinkBinding > 20)
  }

  @Test func impossibleConstraintsAreAnError() throws {
    let problem = try Self.diamond()
    let link = LinkEstimate(uplinkBitsPerSecond: 10e6, downlinkBitsPerSecond: 10e6, roundTripSeconds: 0.02)
    // Cloud-only uploads x (600 kB) and keeps x in device memory; any other head needs p.
    #expect(throws: OffloadError.self) {
      try planner.plan(problem, link: link, constraints: PlanConstraints(deviceMemoryBytes: 1_000))
    }
  }

  @Test func enumerationCountsTheClosedSetsOfADiamond() throws {
    // {}, {a}, {a,b1}, {a,b2}, {a,b1,b2}, {a,b1,c1}, {a,b1,c1,b2}, everything.
    let heads = CutEnumeration.heads(of: try Self.diamond(), limit: 100)!
    #expect(heads.count == 8)
    #expect(CutEnumeration.heads(of: try Self.diamond(), limit: 7) == nil)
  }
}
