/// Maximum flow and a minimum s-t cut by Dinic's algorithm (BFS level graph, blocking flow by
/// DFS with per-vertex edge cursors): O(V^2 E), far inside a millisecond for graphs of a few
/// hundred nodes. Capacities are Doubles (seconds); residuals below `epsilon` count as saturated
/// so rounding cannot keep an augmenting path alive forever.
public struct MaximumFlow: Sendable {
  struct Edge: Sendable {
    var to: Int
    var capacity: Double
  }

  private var edges: [Edge] = []
  private var adjacency: [[Int]]
  public let epsilon: Double

  public init(vertices: Int, epsilon: Double = 1e-12) {
    adjacency = [[Int]](repeating: [], count: vertices)
    self.epsilon = epsilon
  }

  public var vertexCount: Int { adjacency.count }

  /// Adds a directed edge (and its zero-capacity reverse for the residual graph).
  public mutating func addEdge(from: Int, to: Int, capacity: Double) {
    precondition(capacity >= 0 && !capacity.isNaN, "capacities are non-negative numbers")
    adjacency[from].append(edges.count)
    edges.append(Edge(to: to, capacity: capacity))
    adjacency[to].append(edges.count)
    edges.append(Edge(to: from, capacity: 0))
  }

  /// Pushes the maximum flow from `source` to `sink`; returns its value.
  public mutating func maximize(source: Int, sink: Int) -> Double {
    var total = 0.0
    while let level = levels(from: source, sink: sink) {
      var cursor = [Int](repeating: 0, count: adjacency.count)
      while true {
        let pushed = augment(source, sink, .infinity, level, &cursor)
        if pushed <= epsilon { break }
        total += pushed
      }
    }
    return total
  }

  /// After `maximize`, the vertices reachable from `source` in the residual graph: the source
  /// side of a minimum cut (the smallest such side).
  public func sourceSide(_ source: Int) -> [Bool] {
    var seen = [Bool](repeating: false, count: adjacency.count)
    var stack = [source]
    seen[source] = true
    while let vertex = stack.popLast() {
      for edge in adjacency[vertex] where edges[edge].capacity > epsilon && !seen[edges[edge].to] {
        seen[edges[edge].to] = true
        stack.append(edges[edge].to)
      }
    }
    return seen
  }

  private func levels(from source: Int, sink: Int) -> [Int]? {
    var level = [Int](repeating: -1, count: adjacency.count)
    level[source] = 0
    var queue = [source]
    var head = 0
    while head < queue.count {
      let vertex = queue[head]
      head += 1
      for edge in adjacency[vertex] where edges[edge].capacity > epsilon && level[edges[edge].to] < 0 {
        level[edges[edge].to] = level[vertex] + 1
        queue.append(edges[edge].to)
      }
    }
    return level[sink] < 0 ? nil : level
  }

  private mutating func augment(
    _ vertex: Int, _ sink: Int, _ limit: Double, _ level: [Int], _ cursor: inout [Int]
  ) -> Double {
    if vertex == sink { return limit }
    while cursor[vertex] < adjacency[vertex].count {
      let edge = adjacency[vertex][cursor[vertex]]
      let next = edges[edge].to
      if edges[edge].capacity > epsilon && level[next] == level[vertex] + 1 {
        let pushed = augment(next, sink, min(limit, edges[edge].capacity), level, &cursor)
        if pushed > epsilon {
          edges[edge].capacity -= pushed
          // The reverse edge is the partner: edges are added in pairs (even, odd).
          edges[edge ^ 1].capacity += pushed
          return pushed
        }
      }
      cursor[vertex] += 1
    }
    return 0
  }
}
