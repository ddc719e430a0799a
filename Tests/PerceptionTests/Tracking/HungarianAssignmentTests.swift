import Testing

@testable import Perception

@Suite struct HungarianAssignmentTests {
  /// The minimum total cost over all full matchings of a square matrix, by brute force.
  static func bruteForce(_ cost: [[Double]]) -> Double {
    func permute(_ row: Int, _ used: Set<Int>) -> Double {
      guard row < cost.count else { return 0 }
      var best = Double.infinity
      for column in cost.indices where !used.contains(column) {
        best = min(best, cost[row][column] + permute(row + 1, used.union([column])))
      }
      return best
    }
    return permute(0, [])
  }

  @Test func findsTheOptimumWhereGreedyDoesNot() {
    // Greedy takes (0, 0) at 0.1 and is then left with (1, 1) at 0.9: total 1.0; optimal is 0.4.
    let cost = [[0.1, 0.2], [0.2, 0.9]]
    let pairs = HungarianAssignment.solve(cost: cost, maximumCost: 1)
    #expect(pairs.map { [$0.row, $0.column] } == [[0, 1], [1, 0]])
  }

  @Test func matchesBruteForceOnPseudoRandomMatrices() {
    var state: UInt64 = 12345
    for _ in 0..<30 {
      let cost = (0..<5).map { _ in
        (0..<5).map { _ in
          state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
          return Double(state >> 40) / Double(1 << 24)
        }
      }
      let pairs = HungarianAssignment.solve(cost: cost, maximumCost: 10)
      #expect(pairs.count == 5)
      let total = pairs.reduce(0) { $0 + cost[$1.row][$1.column] }
      #expect(abs(total - Self.bruteForce(cost)) < 1e-9)
    }
  }

  @Test func pairsAboveTheMaximumCostStayUnmatched() {
    let cost = [[0.9, 0.95], [0.3, 0.99], [0.99, 0.99]]
    let pairs = HungarianAssignment.solve(cost: cost, maximumCost: 0.8)
    #expect(pairs.map { [$0.row, $0.column] } == [[1, 0]])
  }

  @Test func rectangularMatricesMatchTheSmallerSide() {
    let cost = [[0.5, 0.1, 0.7]]
    #expect(HungarianAssignment.solve(cost: cost, maximumCost: 1).map { $0.column } == [1])
    #expect(HungarianAssignment.solve(cost: [], maximumCost: 1).isEmpty)
  }
}
