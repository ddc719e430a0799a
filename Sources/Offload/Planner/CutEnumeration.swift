/// Every valid cut of a small graph: each head set closed under predecessors, found by deciding
/// node by node in topological order (a node may join the head only when all its predecessors
/// did). The count grows exponentially with parallel branches, hence the limit.
public enum CutEnumeration {
  /// Every closed head set of `problem`, or nil when there are more than `limit`.
  public static func heads(of problem: PartitionProblem, limit: Int) -> [[Bool]]? {
    var result: [[Bool]] = []
    var head = [Bool](repeating: false, count: problem.nodes.count)
    var overflow = false
    func visit(_ node: Int) {
      if overflow { return }
      if node == problem.nodes.count {
        if result.count >= limit {
          overflow = true
        } else {
          result.append(head)
        }
        return
      }
      head[node] = false
      visit(node + 1)
      if problem.predecessors[node].allSatisfy({ head[$0] }) {
        head[node] = true
        visit(node + 1)
        head[node] = false
      }
    }
    visit(0)
    return overflow ? nil : result
  }
}
