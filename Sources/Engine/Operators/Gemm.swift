import COpenBLAS

/// Float32 matrix products through OpenBLAS: Gemm (alpha, beta, transA, transB, C broadcast to
/// [M, N]) and MatMul (numpy semantics: 1-D operands, batch dimensions broadcast).
enum GemmOperators {
  static let definitions: [String: OperatorDefinition] = [
    "Gemm": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let problem = try GemmProblem(node, inputs)
        return [
          TensorInfo(name: node.outputs.first ?? "", elementType: .float32, shape: [problem.m, problem.n])
        ]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        BLAS.configure()
        let problem = try GemmProblem(node, inputs.map { $0?.info })
        return GemmKernel(
          problem: problem, a: try OperatorSupport.view(node, inputs, 0),
          b: try OperatorSupport.view(node, inputs, 1),
          c: inputs.count > 2 ? inputs[2] : nil, y: outputs[0])
      }),
    "MatMul": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let problem = try MatMulProblem(node, inputs)
        return [TensorInfo(name: node.outputs.first ?? "", elementType: .float32, shape: problem.outputShape)]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        BLAS.configure()
        let problem = try MatMulProblem(node, inputs.map { $0?.info }, offsets: true)
        return MatMulKernel(
          problem: problem, a: try OperatorSupport.view(node, inputs, 0),
          b: try OperatorSupport.view(node, inputs, 1),
          y: outputs[0])
      }),
  ]
}

/// OpenBLAS entry points. OpenBLAS is kept single-threaded: Hiyari parallelises kernels itself
/// (ThreadPool), so the two never oversubscribe the cores.
enum BLAS {
  private static let singleThreaded: Void = openblas_set_num_threads(1)

  /// Makes OpenBLAS single-threaded (once per process); every kernel using BLAS calls it at build.
  static func configure() { _ = singleThreaded }

  /// Row-major C = alpha * op(A) * op(B) + beta * C; every dimension must be at least 1.
  @inline(__always)
  static func sgemm(
    transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int, alpha: Float = 1,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
    c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }
}

/// How an M x N output is split into tasks: blocks of rows or blocks of columns.
struct GemmTiling: Sendable {
  var byRows: Bool
  var tile: Int
  var tasks: Int

  init(m: Int, n: Int, k: Int, lanes: Int = LaneScratch.maximumLanes) {
    let work = Double(m) * Double(n) * Double(max(k, 1))
    let wanted = work < 262_144 ? 1 : Swift.max(1, Swift.min(lanes * 3, Int(work / 131_072)))
    if m >= n || n < 32 {
      byRows = true
      tile = Swift.max(1, (m + wanted - 1) / wanted)
      if tile < m { tile = Swift.min(m, (tile + 7) / 8 * 8) }
      tasks = m == 0 ? 0 : (m + tile - 1) / tile
    } else {
      byRows = false
      tile = Swift.max(1, (n + wanted - 1) / wanted)
      if tile < n { tile = Swift.min(n, (tile + 31) / 32 * 32) }
      tasks = n == 0 ? 0 : (n + tile - 1) / tile
    }
  }

  /// The rows and columns of task `task`.
  @inline(__always) func block(_ task: Int, m: Int, n: Int) -> (rows: Range<Int>, columns: Range<Int>) {
    let start = task * tile
    return byRows ? (start..<Swift.min(start + tile, m), 0..<n) : (0..<m, start..<Swift.min(start + tile, n))
  }
}

/// A checked Gemm: shapes of A, B and the broadcast of C.
struct GemmProblem: Sendable {
  var m: Int, n: Int, k: Int
  var transA: Bool, transB: Bool
  var alpha: Float, beta: Float
  /// C's extent as [rows, columns], each 1 (broadcast) or the full size; nil without C.
  var cExtent: (rows: Int, columns: Int)?

  init(_ node: Node, _ infos: [TensorInfo?]) throws(GraphError) {
    let what = "node \(node.name) (Gemm)"
    let aInfo = try OperatorSupport.floatInput(node, infos, 0)
    let bInfo = try OperatorSupport.floatInput(node, infos, 1)
    guard aInfo.shape.count == 2, bInfo.shape.count == 2 else {
      throw GraphError("\(what) needs 2-D A and B, not \(aInfo.shape) and \(bInfo.shape)")
    }
    transA = node.int("transA", default: 0) != 0
    transB = node.int("transB", default: 0) != 0
    alpha = node.float("alpha", default: 1)
    beta = node.float("beta", default: 1)
    m = transA ? aInfo.shape[1] : aInfo.shape[0]
    k = transA ? aInfo.shape[0] : aInfo.shape[1]
    let kB = transB ? bInfo.shape[1] : bInfo.shape[0]
    n = transB ? bInfo.shape[0] : bInfo.shape[1]
    guard k == kB else {
      throw GraphError(
        "\(what): inner dimensions differ: A \(aInfo.shape) (transA \(transA ? 1 : 0)), B \(bInfo.shape) (transB \(transB ? 1 : 0))"
      )
    }
    if infos.count > 2, infos[2] != nil {
      let cInfo = try OperatorSupport.floatInput(node, infos, 2)
      guard cInfo.shape.count <= 2 else {
        throw GraphError("\(what): C of shape \(cInfo.shape) does not broadcast to [\(m), \(n)]")
      }
      let padded = [Int](repeating: 1, count: 2 - cInfo.shape.count) + cInfo.shape
      guard padded[0] == 1 || padded[0] == m, padded[1] == 1 || padded[1] == n else {
        throw GraphError("\(what): C of shape \(cInfo.shape) does not broadcast to [\(m), \(n)]")
      }
      cExtent = (padded[0], padded[1])
    } else {
      cExtent = nil
    }
  }
}

/// Gemm: each task fills its block of Y with beta * C, then accumulates alpha * op(A) op(B).
final class GemmKernel: Kernel {
  let problem: GemmProblem
  let a: TensorView, b: TensorView, c: TensorView?, y: TensorView
  let tiling: GemmTiling

  init(problem: GemmProblem, a: TensorView, b: TensorView, c: TensorView?, y: TensorView) {
    self.problem = problem
    self.a = a
    self.b = b
    self.c = problem.cExtent == nil ? nil : c
    self.y = y
    tiling = GemmTiling(m: problem.m, n: problem.n, k: problem.k)
  }

  func run(_ context: borrowing ExecutionContext) {
    let p = problem
    guard p.m > 0, p.n > 0 else { return }
    let aData = a.floats(), bData = b.floats(), yData = y.floats()
    let cData = c?.floats()
    let tiling = tiling
    context.threads.parallelFor(tiling.tasks) { task in
      let (rows, columns) = tiling.block(task, m: p.m, n: p.n)
      var gemmBeta: Float = 0
      if let cData, let extent = p.cExtent, p.beta != 0 {
        gemmBeta = 1
        for row in rows {
          let source = cData + (extent.rows == 1 ? 0 : row * extent.columns)
          let target = yData + row * p.n
          if extent.columns == 1 {
            let value = p.beta * source[0]
            for column in columns { target[column] = value }
          } else {
            for column in columns { target[column] = p.beta * source[column] }
          }
        }
      }
      if p.k == 0 {
        if gemmBeta == 0 { for row in rows { for column in columns { yData[row * p.n + column] = 0 } } }
        return
      }
      let aBlock = p.transA ? aData + rows.lowerBound : aData + rows.lowerBound * p.k
      let bBlock = p.transB ? bData + columns.lowerBound * p.k : bData + columns.lowerBound
      BLAS.sgemm(
        transA: p.transA, transB: p.transB, m: rows.count, n: columns.count, k: p.k, alpha: p.alpha,
        a: aBlock, lda: p.transA ? p.m : p.k, b: bBlock, ldb: p.transB ? p.k : p.n, beta: gemmBeta,
        c: yData + rows.lowerBound * p.n + columns.lowerBound, ldc: p.n)
    }
  }
}

/// A checked MatMul: matrix sizes, broadcast batch, and each batch item's operand offsets.
struct MatMulProblem: Sendable {
  var m: Int, n: Int, k: Int
  var outputShape: [Int]
  var batch: Int
  var aOffsets: [Int]
  var bOffsets: [Int]

  /// `offsets`: compute each batch item's operand offsets (at build; shape inference skips them).
  init(_ node: Node, _ inputs: [TensorInfo?], offsets: Bool = false) throws(GraphError) {
    try self.init(
      node, aShape: try OperatorSupport.floatInput(node, inputs, 0).shape,
      bShape: try OperatorSupport.floatInput(node, inputs, 1).shape, offsets: offsets)
  }

  /// The product of operands of shapes `aShape` and `bShape`, whatever their element type (the
  /// int8 QLinearMatMul shares MatMul's shape rules).
  init(_ node: Node, aShape: [Int], bShape: [Int], offsets: Bool = false) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    guard !aShape.isEmpty, !bShape.isEmpty else {
      throw GraphError("\(what) needs operands of rank at least 1, not \(aShape) and \(bShape)")
    }
    m = aShape.count == 1 ? 1 : aShape[aShape.count - 2]
    k = aShape[aShape.count - 1]
    let kB = bShape.count == 1 ? bShape[0] : bShape[bShape.count - 2]
    n = bShape.count == 1 ? 1 : bShape[bShape.count - 1]
    guard k == kB else { throw GraphError("\(what): inner dimensions differ: \(aShape) x \(bShape)") }
    let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
    let rank = max(aBatch.count, bBatch.count)
    let aPadded = [Int](repeating: 1, count: rank - aBatch.count) + aBatch
    let bPadded = [Int](repeating: 1, count: rank - bBatch.count) + bBatch
    var batchShape: [Int] = []
    for (x, y) in zip(aPadded, bPadded) {
      guard x == y || x == 1 || y == 1 else {
        throw GraphError("\(what): batch dimensions of \(aShape) and \(bShape) do not broadcast")
      }
      batchShape.append(x == 1 ? y : x)
    }
    outputShape = batchShape + (aShape.count > 1 ? [m] : []) + (bShape.count > 1 ? [n] : [])
    var count = 1
    for dimension in batchShape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
      guard !overflow, product <= 1 << 22 else { throw GraphError("\(what) has too many batch items") }
      count = product
    }
    batch = count
    guard offsets else {
      aOffsets = []
      bOffsets = []
      return
    }
    // Offsets of each output batch item's A and B matrices (broadcast dimensions repeat).
    var aOffsets = [Int](repeating: 0, count: count), bOffsets = [Int](repeating: 0, count: count)
    var aStride = m * k, bStride = k * n
    var aStrides = [Int](repeating: 0, count: rank), bStrides = [Int](repeating: 0, count: rank)
    for axis in stride(from: rank - 1, through: 0, by: -1) {
      aStrides[axis] = aPadded[axis] == 1 ? 0 : aStride
      bStrides[axis] = bPadded[axis] == 1 ? 0 : bStride
      aStride *= aPadded[axis]
      bStride *= bPadded[axis]
    }
    for index in 0..<count {
      var rest = index, aOffset = 0, bOffset = 0
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        let coordinate = rest % batchShape[axis]
        rest /= batchShape[axis]
        aOffset += coordinate * aStrides[axis]
        bOffset += coordinate * bStrides[axis]
      }
      aOffsets[index] = aOffset
      bOffsets[index] = bOffset
    }
    // A shared B with a batch of contiguous A matrices is one tall product.
    let matrix = m * k
    var contiguous = true
    for index in 0..<count where aOffsets[index] != index * matrix || bOffsets[index] != 0 {
      contiguous = false
    }
    if count > 1, contiguous {
      m *= count
      batch = 1
      aOffsets = [0]
      bOffsets = [0]
    }
    self.aOffsets = aOffsets
    self.bOffsets = bOffsets
  }
}

/// MatMul: one sgemm per batch item and block of rows or columns.
final class MatMulKernel: Kernel {
  let problem: MatMulProblem
  let a: TensorView, b: TensorView, y: TensorView
  let tiling: GemmTiling

  init(problem: MatMulProblem, a: TensorView, b: TensorView, y: TensorView) {
    self.problem = problem
    self.a = a
    self.b = b
    self.y = y
    tiling = GemmTiling(
      m: problem.m, n: problem.n, k: problem.k, lanes: max(1, LaneScratch.maximumLanes / problem.batch))
  }

  func run(_ context: borrowing ExecutionContext) {
    let p = problem
    guard p.m > 0, p.n > 0, p.batch > 0 else { return }
    let aData = a.floats(), bData = b.floats(), yData = y.floats()
    let tiling = tiling
    context.threads.parallelFor(p.batch * tiling.tasks) { task in
      let item = task / tiling.tasks
      let (rows, columns) = tiling.block(task % tiling.tasks, m: p.m, n: p.n)
      let target = yData + item * p.m * p.n
      if p.k == 0 {
        for row in rows { for column in columns { target[row * p.n + column] = 0 } }
        return
      }
      BLAS.sgemm(
        m: rows.count, n: columns.count, k: p.k,
        a: aData + p.aOffsets[item] + rows.lowerBound * p.k, lda: p.k,
        b: bData + p.bOffsets[item] + columns.lowerBound, ldb: p.n, beta: 0,
        c: target + rows.lowerBound * p.n + columns.lowerBound, ldc: p.n)
    }
  }
}
