/// A small dense row-major matrix for the Kalman filter's 8×8 and 4×4 algebra.
struct SmallMatrix: Sendable, Equatable {
  let rows: Int
  let columns: Int
  var values: [Double]

  init(rows: Int, columns: Int, values: [Double]? = nil) {
    self.rows = rows
    self.columns = columns
    self.values = values ?? [Double](repeating: 0, count: rows * columns)
  }

  static func identity(_ size: Int) -> SmallMatrix {
    var matrix = SmallMatrix(rows: size, columns: size)
    for index in 0..<size { matrix[index, index] = 1 }
    return matrix
  }

  static func diagonal(_ entries: [Double]) -> SmallMatrix {
    var matrix = SmallMatrix(rows: entries.count, columns: entries.count)
    for (index, value) in entries.enumerated() { matrix[index, index] = value }
    return matrix
  }

  subscript(row: Int, column: Int) -> Double {
    get { values[row * columns + column] }
    set { values[row * columns + column] = newValue }
  }

  var transposed: SmallMatrix {
    var result = SmallMatrix(rows: columns, columns: rows)
    for r in 0..<rows { for c in 0..<columns { result[c, r] = self[r, c] } }
    return result
  }

  static func * (lhs: SmallMatrix, rhs: SmallMatrix) -> SmallMatrix {
    precondition(lhs.columns == rhs.rows, "matrix sizes do not match")
    var result = SmallMatrix(rows: lhs.rows, columns: rhs.columns)
    for r in 0..<lhs.rows {
      for k in 0..<lhs.columns {
        let a = lhs[r, k]
        if a == 0 { continue }
        for c in 0..<rhs.columns { result[r, c] += a * rhs[k, c] }
      }
    }
    return result
  }

  static func + (lhs: SmallMatrix, rhs: SmallMatrix) -> SmallMatrix {
    SmallMatrix(rows: lhs.rows, columns: lhs.columns, values: zip(lhs.values, rhs.values).map(+))
  }

  static func - (lhs: SmallMatrix, rhs: SmallMatrix) -> SmallMatrix {
    SmallMatrix(rows: lhs.rows, columns: lhs.columns, values: zip(lhs.values, rhs.values).map(-))
  }

  /// The inverse by Gauss-Jordan elimination with partial pivoting; nil when singular.
  var inverse: SmallMatrix? {
    precondition(rows == columns, "only square matrices have inverses")
    let n = rows
    var a = self
    var result = SmallMatrix.identity(n)
    for column in 0..<n {
      var pivot = column
      for r in column..<n where abs(a[r, column]) > abs(a[pivot, column]) { pivot = r }
      guard abs(a[pivot, column]) > 1e-12 else { return nil }
      if pivot != column {
        for c in 0..<n {
          a.values.swapAt(pivot * n + c, column * n + c)
          result.values.swapAt(pivot * n + c, column * n + c)
        }
      }
      let scale = 1 / a[column, column]
      for c in 0..<n {
        a[column, c] *= scale
        result[column, c] *= scale
      }
      for r in 0..<n where r != column {
        let factor = a[r, column]
        if factor == 0 { continue }
        for c in 0..<n {
          a[r, c] -= factor * a[column, c]
          result[r, c] -= factor * result[column, c]
        }
      }
    }
    return result
  }
}
