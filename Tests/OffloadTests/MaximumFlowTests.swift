import Testing

@testable import Offload

@Suite struct MaximumFlowTests {
  @Test func findsTheMaximumFlowAndTheMinimumCutOfAClassicNetwork() {
    // CLRS figure 26.1: maximum flow 23.
    var flow = MaximumFlow(vertices: 6)
    for (from, to, capacity) in [
      (0, 1, 16.0), (0, 2, 13), (1, 3, 12), (2, 1, 4), (2, 4, 14), (3, 2, 9), (3, 5, 20), (4, 3, 7),
      (4, 5, 4),
    ] {
      flow.addEdge(from: from, to: to, capacity: capacity)
    }
    #expect(flow.maximize(source: 0, sink: 5) == 23)
    // The minimum cut {s, v1, v2, v4} | {v3, t}: 12 + 7 + 4 = 23.
    #expect(flow.sourceSide(0) == [true, true, true, false, true, false])
  }
}
