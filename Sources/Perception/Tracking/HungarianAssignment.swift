/// Minimum-cost assignment (the Hungarian method, O(n³) with potentials), as ByteTrack does with
/// LAPJV: an optimal matching rather than a greedy one, so a crossing pair is not swapped just
/// because one pair happened to be examined first.
public enum HungarianAssignment {
  /// Pairs (row, column) of a minimum-cost matching of `cost` (rows × columns, row-major), using
  /// only pairs whose cost is at most `maximumCost`; rows or columns may stay unmatched.
  public static func solve(cost: [[Double]], maximumCost: Double) -> [(row: Int, column: Int)] {
    let rows = cost.count
    guard rows > 0, let columns = cost.first?.count, columns > 0 else { return [] }
    // Pad to a square problem; a forbidden or padded pair costs more than any allowed matching,
    // so it is only chosen when nothing else is left, and is then dropped.
    let n = max(rows, columns)
    let forbidden = maximumCost + 1 + Double(n)
    func entry(_ r: Int, _ c: Int) -> Double {
      guard r < rows, c < columns else { return forbidden }
      let value = cost[r][c]
      return value.isFinite && value <= maximumCost ? value : forbidden
    }
    // u, v: potentials; match[c]: row matched to column c (1-based, 0 = none).
    var u = [Double](repeating: 0, count: n + 1)
    var v = [Double](repeating: 0, count: n + 1)
    var match = [Int](repeating: 0, count: n + 1)
    var way = [Int](repeating: 0, count: n + 1)
    for row in 1...n {
      match[0] = row
      var column0 = 0
      var minimum = [Double](repeating: .infinity, count: n + 1)
      var used = [Bool](repeating: false, count: n + 1)
      repeat {
        used[column0] = true
        let row0 = match[column0]
        var delta = Double.infinity
        var column1 = 0
        for column in 1...n where !used[column] {
          let reduced = entry(row0 - 1, column - 1) - u[row0] - v[column]
          if reduced < minimum[column] {
            minimum[column] = reduced
            way[column] = column0
          }
          if minimum[column] < delta {
            delta = minimum[column]
            column1 = column
          }
        }
        for column in 0...n {
          if used[column] {
            u[match[column]] += delta
            v[column] -= delta
          } else {
            minimum[column] -= delta
          }
        }
        column0 = column1
      } while match[column0] != 0
      repeat {
        let column1 = way[column0]
        match[column0] = match[column1]
        column0 = column1
      } while column0 != 0
    }
    var pairs: [(row: Int, column: Int)] = []
    for column in 1...n {
      let row = match[column] - 1
      let c = column - 1
      if row < rows, c < columns, entry(row, c) <= maximumCost { pairs.append((row, c)) }
    }
    return pairs.sorted { $0.row < $1.row }
  }
}
