import Testing

@testable import Engine

@Suite struct MemoryPlanTests {
  /// No two tensors alive at the same step may share bytes.
  func assertNoOverlap(_ requests: [MemoryPlan.Request], _ plan: MemoryPlan) {
    for i in requests.indices {
      for j in requests.indices where i < j {
        let a = requests[i], b = requests[j]
        guard a.firstStep <= b.lastStep && b.firstStep <= a.lastStep else { continue }
        let disjoint =
          plan.offsets[i] + a.bytes <= plan.offsets[j] || plan.offsets[j] + b.bytes <= plan.offsets[i]
        #expect(disjoint, "tensors \(i) and \(j) are alive together and overlap")
      }
    }
  }

  @Test func aChainReusesMemory() {
    // t0 -> t1 -> t2 -> t3: only neighbours are alive together.
    let requests = (0..<4).map { MemoryPlan.Request(bytes: 1024, firstStep: $0, lastStep: $0 + 1) }
    let plan = MemoryPlan(requests)
    assertNoOverlap(requests, plan)
    #expect(plan.arenaBytes == 2048)
    #expect(plan.lowerBound == 2048)
    #expect(plan.totalBytes == 4096)
  }

  @Test func randomLifetimesNeverOverlapAndStayNearTheBound() {
    var generator = SplitMix64(seed: 7)
    for _ in 0..<50 {
      let requests = (0..<30).map { _ in
        let first = Int(generator.next() % 40)
        return MemoryPlan.Request(
          bytes: Int(generator.next() % 5000) + 1, firstStep: first,
          lastStep: first + Int(generator.next() % 6))
      }
      let plan = MemoryPlan(requests)
      assertNoOverlap(requests, plan)
      #expect(plan.arenaBytes >= plan.lowerBound)
      #expect(Double(plan.arenaBytes) <= 1.6 * Double(plan.lowerBound))
    }
  }
}

/// A small deterministic generator for tests.
struct SplitMix64: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}
