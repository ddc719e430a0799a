import Testing

@testable import Engine

@Suite struct GemmTests {
  /// Row-major matrix product in Double, with optional transposes of the stored operands.
  static func product(
    _ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transA: Bool = false, transB: Bool = false
  ) -> [Double] {
    var y = [Double](repeating: 0, count: m * n)
    for i in 0..<m {
      for j in 0..<n {
        var sum = 0.0
        for p in 0..<k {
          let av = transA ? a[p * m + i] : a[i * k + p]
          let bv = transB ? b[j * k + p] : b[p * n + j]
          sum += Double(av) * Double(bv)
        }
        y[i * n + j] = sum
      }
    }
    return y
  }

  @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
  func gemmTransposesAlphaBetaAndBroadcastC(_ transposes: (Bool, Bool)) throws {
    let (transA, transB) = transposes
    var random = SeededRandom(11)
    let m = 13, n = 24, k = 7
    let a = random.floats(m * k), b = random.floats(k * n)
    let aShape = transA ? [k, m] : [m, k], bShape = transB ? [n, k] : [k, n]
    let base = Self.product(a, b, m: m, n: n, k: k, transA: transA, transB: transB)
    let cases: [([Int], (Int, Int) -> Int)] = [
      ([n], { _, j in j }), ([m, 1], { i, _ in i }), ([1], { _, _ in 0 }), ([], { _, _ in 0 }),
      ([m, n], { i, j in i * n + j }),
      ([1, n], { _, j in j }),
    ]
    for (cShape, index) in cases {
      let c = random.floats(cShape.reduce(1, *))
      let y = try OperatorHarness.run(
        "Gemm",
        [
          .input(OperatorHarness.floats(a, aShape)), .constant(OperatorHarness.floats(b, bShape)),
          .constant(OperatorHarness.floats(c, cShape)),
        ],
        attributes: [
          "transA": .int(transA ? 1 : 0), "transB": .int(transB ? 1 : 0), "alpha": .float(0.5),
          "beta": .float(-2),
        ])[0]
      #expect(y.shape == [m, n])
      let expected = (0..<(m * n)).map { 0.5 * base[$0] - 2 * Double(c[index($0 / n, $0 % n)]) }
      expectClose(OperatorHarness.values(y), expected, "C \(cShape)")
    }
    let noC = try OperatorHarness.run(
      "Gemm", [.input(OperatorHarness.floats(a, aShape)), .input(OperatorHarness.floats(b, bShape))],
      attributes: ["transA": .int(transA ? 1 : 0), "transB": .int(transB ? 1 : 0)])[0]
    expectClose(OperatorHarness.values(noC), base)
  }

  @Test func gemmLargeEnoughToSplitRowsAndColumns() throws {
    var random = SeededRandom(12)
    for (m, n, k) in [(300, 40, 64), (20, 500, 48), (1, 1000, 300)] {
      let a = random.floats(m * k), b = random.floats(n * k), c = random.floats(n)
      let y = try OperatorHarness.run(
        "Gemm",
        [
          .input(OperatorHarness.floats(a, [m, k])), .constant(OperatorHarness.floats(b, [n, k])),
          .constant(OperatorHarness.floats(c, [n])),
        ],
        attributes: ["transB": .int(1)], threads: 3)[0]
      let base = Self.product(a, b, m: m, n: n, k: k, transB: true)
      expectClose(
        OperatorHarness.values(y), (0..<(m * n)).map { base[$0] + Double(c[$0 % n]) }, "\(m)x\(n)x\(k)")
    }
  }

  @Test func gemmBetaZeroIgnoresC() throws {
    let y = try OperatorHarness.run(
      "Gemm",
      [
        .input(OperatorHarness.floats([1, 2], [1, 2])), .constant(OperatorHarness.floats([3, 4], [2, 1])),
        .constant(OperatorHarness.floats([.nan], [1])),
      ],
      attributes: ["beta": .float(0)])[0]
    #expect(OperatorHarness.values(y) == [11])
  }

  /// MatMul reference with numpy broadcasting of batch dimensions.
  static func matmul(_ a: [Float], _ aShape: [Int], _ b: [Float], _ bShape: [Int]) -> (
    shape: [Int], values: [Double]
  ) {
    let aMatrix = aShape.count == 1 ? [1, aShape[0]] : Array(aShape.suffix(2))
    let bMatrix = bShape.count == 1 ? [bShape[0], 1] : Array(bShape.suffix(2))
    let m = aMatrix[0], k = aMatrix[1], n = bMatrix[1]
    let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
    let rank = max(aBatch.count, bBatch.count)
    let pa = [Int](repeating: 1, count: rank - aBatch.count) + aBatch
    let pb = [Int](repeating: 1, count: rank - bBatch.count) + bBatch
    let batch = zip(pa, pb).map { max($0, $1) }
    let count = batch.reduce(1, *)
    var values: [Double] = []
    for item in 0..<count {
      var rest = item, aIndex = 0, bIndex = 0, aStride = 1, bStride = 1
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        let coordinate = rest % batch[axis]
        rest /= batch[axis]
        aIndex += (pa[axis] == 1 ? 0 : coordinate) * aStride
        bIndex += (pb[axis] == 1 ? 0 : coordinate) * bStride
        aStride *= pa[axis]
        bStride *= pb[axis]
      }
      let aSlice = Array(a[(aIndex * m * k)..<((aIndex + 1) * m * k)])
      let bSlice = Array(b[(bIndex * k * n)..<((bIndex + 1) * k * n)])
      values += product(aSlice, bSlice, m: m, n: n, k: k)
    }
    let shape = batch + (aShape.count > 1 ? [m] : []) + (bShape.count > 1 ? [n] : [])
    return (shape, values)
  }

  @Test(arguments: [
    ([13, 7], [7, 24]), ([2, 3, 4, 5], [5, 6]), ([3, 1, 4, 5], [2, 5, 6]), ([2, 1, 3, 4], [1, 5, 4, 2]),
    ([7], [7, 5]), ([4, 7], [7]), ([7], [7]), ([2, 3, 7], [7]), ([5], [2, 5, 3]), ([4, 50, 64], [64, 70]),
    ([2, 9, 16], [2, 16, 300]),
  ])
  func matMulBroadcastsBatches(_ shapes: ([Int], [Int])) throws {
    var random = SeededRandom(13)
    let a = random.floats(shapes.0.reduce(1, *)), b = random.floats(shapes.1.reduce(1, *))
    let y = try OperatorHarness.run(
      "MatMul",
      [.input(OperatorHarness.floats(a, shapes.0)), .constant(OperatorHarness.floats(b, shapes.1))],
      threads: 3)[0]
    let expected = Self.matmul(a, shapes.0, b, shapes.1)
    #expect(y.shape == expected.shape)
    expectClose(OperatorHarness.values(y), expected.values, "\(shapes)")
  }

  @Test func rejectsMismatchedShapes() {
    let a = OperatorHarness.floats([Float](repeating: 1, count: 12), [3, 4])
    let b = OperatorHarness.floats([Float](repeating: 1, count: 10), [5, 2])
    expectGraphError(OperatorHarness.error("Gemm", [.input(a), .input(b)]), mentioning: "inner dimensions")
    expectGraphError(OperatorHarness.error("MatMul", [.input(a), .input(b)]), mentioning: "inner dimensions")
    let b3 = OperatorHarness.floats([Float](repeating: 1, count: 8), [4, 2])
    expectGraphError(
      OperatorHarness.error(
        "Gemm", [.input(a), .input(b3), .constant(OperatorHarness.floats([1, 2, 3], [3]))]),
      mentioning: "does not broadcast")
    expectGraphError(
      OperatorHarness.error(
        "Gemm", [.input(OperatorHarness.floats([Float](repeating: 1, count: 24), [2, 3, 4])), .input(b3)]),
      mentioning: "2-D")
    expectGraphError(
      OperatorHarness.error(
        "MatMul",
        [
          .input(OperatorHarness.floats([Float](repeating: 1, count: 24), [2, 3, 4])),
          .input(OperatorHarness.floats([Float](repeating: 1, count: 24), [3, 4, 2])),
        ]),
      mentioning: "batch dimensions")
    expectGraphError(
      OperatorHarness.error("MatMul", [.input(a), .constant(OperatorHarness.ints([1, 2, 3, 4], [4, 1]))]),
      mentioning: "float32")
  }
}
