import Testing

@testable import Engine

/// QLinearMatMul and QGemm against a plain reference written from the definition (exact integer
/// sums, the float32 multiplier (a_scale * b_scale) / y_scale, round half to even, saturation),
/// on both kernels: the int8 convolution path (constant B whose values less the zero point fit
/// int8) and the plain loop (B fed at run time, or uint8 weights far from their zero point).
@Suite struct QLinearMatMulTests {
  /// One QLinearMatMul problem: operands as integer codes with their shapes and parameters.
  struct Case {
    var a: [Int], aShape: [Int], aType: ElementType, aScale: Float, aZero: Int
    var b: [Int], bShape: [Int], bType: ElementType, bScales: [Float], bZeros: [Int]
    var yScale: Float, yZero: Int, yType: ElementType
    var bIsInput = false

    static func random(
      aShape: [Int], bShape: [Int], aType: ElementType, bType: ElementType, yType: ElementType,
      perColumn: Bool, seed: UInt64, bRange: ClosedRange<Int>? = nil, yScale: Float = 0.05
    ) -> Case {
      var random = SeededRandom(seed)
      let n = bShape.count == 1 ? 1 : bShape[bShape.count - 1]
      let aRange = QLinearMatMulTests.range(aType)
      let columns = perColumn ? n : 1
      // Without `bRange`: int8 weights symmetric (zero point 0); uint8 weights around zero points
      // that differ per column, within int8 of them. With it: zero point 0 and values in the range.
      let bZeros = (0..<columns).map { _ in
        bType == .int8 || bRange != nil ? 0 : Int.random(in: 100...150, using: &random)
      }
      let b = (0..<bShape.reduce(1, *)).map { index in
        if let bRange { return Int.random(in: bRange, using: &random) }
        let zero = bZeros.count == 1 ? bZeros[0] : bZeros[index % n]
        return zero + Int.random(in: -100...100, using: &random)
      }
      return Case(
        a: (0..<aShape.reduce(1, *)).map { _ in Int.random(in: aRange, using: &random) }, aShape: aShape,
        aType: aType, aScale: 0.0213, aZero: aType == .int8 ? -7 : 131, b: b, bShape: bShape, bType: bType,
        bScales: (0..<columns).map { _ in Float.random(in: 0.002...0.02, using: &random) }, bZeros: bZeros,
        yScale: yScale, yZero: yType == .int8 ? 3 : 121, yType: yType)
    }
  }

  static func range(_ type: ElementType) -> ClosedRange<Int> { type == .int8 ? -128...127 : 0...255 }

  static func tensor(_ values: [Int], _ shape: [Int], _ type: ElementType) -> Tensor {
    type == .int8 ? OperatorHarness.int8s(values, shape) : OperatorHarness.uint8s(values, shape)
  }

  static func operands(_ c: Case) -> [Operand] {
    let b = tensor(c.b, c.bShape, c.bType)
    return [
      .input(tensor(c.a, c.aShape, c.aType)), .constant(OperatorHarness.floats([c.aScale], [])),
      .constant(tensor([c.aZero], [], c.aType)), c.bIsInput ? .input(b) : .constant(b),
      .constant(OperatorHarness.floats(c.bScales, c.bScales.count == 1 ? [] : [c.bScales.count])),
      .constant(tensor(c.bZeros, c.bZeros.count == 1 ? [] : [c.bZeros.count], c.bType)),
      .constant(OperatorHarness.floats([c.yScale], [])), .constant(tensor([c.yZero], [], c.yType)),
    ]
  }

  /// The definition: numpy matmul broadcasting, exact sums, requantized per column.
  static func reference(_ c: Case) -> (values: [Int], shape: [Int]) {
    let aShape = c.aShape.count == 1 ? [1, c.aShape[0]] : c.aShape
    let bShape = c.bShape.count == 1 ? [c.bShape[0], 1] : c.bShape
    let m = aShape[aShape.count - 2], k = aShape[aShape.count - 1], n = bShape[bShape.count - 1]
    let aBatch = Array(aShape.dropLast(2)), bBatch = Array(bShape.dropLast(2))
    let rank = max(aBatch.count, bBatch.count)
    let aPadded = [Int](repeating: 1, count: rank - aBatch.count) + aBatch
    let bPadded = [Int](repeating: 1, count: rank - bBatch.count) + bBatch
    let batch = zip(aPadded, bPadded).map { max($0, $1) }
    let items = batch.reduce(1, *)
    let (low, high) = c.yType == .int8 ? (-128, 127) : (0, 255)
    var values: [Int] = []
    for item in 0..<items {
      // The item's coordinates, each clamped to 0 on a broadcast (size 1) dimension.
      var rest = item, aItem = 0, bItem = 0, aStride = 1, bStride = 1
      for axis in stride(from: rank - 1, through: 0, by: -1) {
        let coordinate = rest % batch[axis]
        rest /= batch[axis]
        aItem += (aPadded[axis] == 1 ? 0 : coordinate) * aStride
        bItem += (bPadded[axis] == 1 ? 0 : coordinate) * bStride
        aStride *= aPadded[axis]
        bStride *= bPadded[axis]
      }
      for row in 0..<m {
        for column in 0..<n {
          var sum = 0
          for inner in 0..<k {
            let a = c.a[aItem * m * k + row * k + inner] - c.aZero
            let zero = c.bZeros.count == 1 ? c.bZeros[0] : c.bZeros[column]
            sum += a * (c.b[bItem * k * n + inner * n + column] - zero)
          }
          let scale = c.bScales.count == 1 ? c.bScales[0] : c.bScales[column]
          let multiplier = (c.aScale * scale) / c.yScale
          let real = Float(Int32(sum)) * multiplier
          values.append(min(max(Int(real.rounded(.toNearestOrEven)) + c.yZero, low), high))
        }
      }
    }
    let shape = batch + (c.aShape.count > 1 ? [m] : []) + (c.bShape.count > 1 ? [n] : [])
    return (values, shape)
  }

  static func expectMatches(_ c: Case, threads: Int = 2, _ comment: String) throws {
    let output = try OperatorHarness.run("QLinearMatMul", operands(c), threads: threads)[0]
    let want = reference(c)
    #expect(output.elementType == c.yType, "\(comment)")
    #expect(output.shape == want.shape, "\(comment)")
    let got = OperatorHarness.intValues(output)
    let wrong = zip(got, want.values).enumerated().filter { $0.element.0 != $0.element.1 }
    #expect(
      wrong.count == 0,
      "\(comment): \(wrong.count) of \(got.count) differ, first \(wrong.first.map { "\($0)" } ?? "")")
  }

  @Test(
    arguments: [(1, 13, 24), (7, 13, 24), (24, 13, 13), (64, 40, 33), (5, 1, 1), (130, 257, 3), (3, 24, 100)]
  )
  func constantInt8WeightsPerColumnOnTheConvolutionPath(m: Int, k: Int, n: Int) throws {
    for (aType, yType) in [(ElementType.uint8, ElementType.uint8), (.int8, .int8), (.uint8, .int8)] {
      let c = Case.random(
        aShape: [m, k], bShape: [k, n], aType: aType, bType: .int8, yType: yType, perColumn: true,
        seed: UInt64(m * 1000 + k * 10 + n))
      try Self.expectMatches(c, "\(m)x\(k)x\(n) a \(aType) y \(yType)")
    }
  }

  @Test(arguments: [(9, 13, 24), (31, 50, 17)])
  func weightsFedAtRunTimeAndFarFromTheirZeroPointUseTheLoop(m: Int, k: Int, n: Int) throws {
    var fed = Case.random(
      aShape: [m, k], bShape: [k, n], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true,
      seed: UInt64(m + k + n))
    fed.bIsInput = true
    try Self.expectMatches(fed, "int8 b fed at run time")
    // uint8 weights with zero point 0 reach 255: beyond the int8 kernels.
    let wide = Case.random(
      aShape: [m, k], bShape: [k, n], aType: .int8, bType: .uint8, yType: .int8, perColumn: false,
      seed: UInt64(m * k), bRange: 0...255, yScale: 2)
    try Self.expectMatches(wide, "uint8 b with zero point 0")
    // uint8 weights with zero point 128 fit int8 and take the convolution path.
    let centered = Case.random(
      aShape: [m, k], bShape: [k, n], aType: .uint8, bType: .uint8, yType: .uint8, perColumn: true,
      seed: UInt64(m * n))
    try Self.expectMatches(centered, "uint8 b with zero point 128")
  }

  /// Multiplier 0.5 puts every odd sum on a tie: 0.5, 1.5, 2.5, 3.5 round to 0, 2, 2, 4, on both
  /// kernels (B constant: the convolution path; fed: the loop).
  @Test(arguments: [false, true])
  func exactTiesRoundHalfToEven(fed: Bool) throws {
    let c = Case(
      a: [1, 3, 5, 7, -1, -3], aShape: [6, 1], aType: .int8, aScale: 0.5, aZero: 0, b: [1], bShape: [1, 1],
      bType: .int8, bScales: [1], bZeros: [0], yScale: 1, yZero: 10, yType: .uint8, bIsInput: fed)
    let output = try OperatorHarness.run("QLinearMatMul", Self.operands(c))[0]
    #expect(OperatorHarness.intValues(output) == [10, 12, 12, 14, 10, 8])
  }

  @Test func saturatesAtBothEnds() throws {
    for type in [ElementType.uint8, .int8] {
      let c = Case.random(
        aShape: [16, 24], bShape: [24, 13], aType: type, bType: .int8, yType: type, perColumn: true, seed: 5,
        yScale: 0.004)
      try Self.expectMatches(c, "saturating \(type)")
      let values = Self.reference(c).values
      let range = Self.range(type)
      #expect(values.contains(range.lowerBound) && values.contains(range.upperBound), "the case saturates")
    }
  }

  @Test func broadcastsBatchDimensionsAsMatMul() throws {
    let shapes: [([Int], [Int], Bool)] = [
      ([2, 3, 5, 13], [13, 24], false),  // shared constant B: one tall product
      ([5, 13], [2, 13, 24], false),  // batched constant B
      ([2, 1, 4, 13], [3, 13, 7], true),  // both broadcast, B fed at run time
      ([13], [13, 24], false),  // 1-D a
      ([3, 4, 13], [13], false),  // 1-D b
    ]
    for (index, (aShape, bShape, fed)) in shapes.enumerated() {
      var c = Case.random(
        aShape: aShape, bShape: bShape, aType: .uint8, bType: .int8, yType: .uint8,
        perColumn: bShape.count > 1, seed: UInt64(index + 40))
      c.bIsInput = fed
      try Self.expectMatches(c, "\(aShape) x \(bShape)")
    }
  }

  @Test func oneThreadAndTwoGiveTheSameBytes() throws {
    let c = Case.random(
      aShape: [300, 96], bShape: [96, 70], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true,
      seed: 11)
    try Self.expectMatches(c, threads: 1, "one thread")
    try Self.expectMatches(c, threads: 2, "two threads")
  }

  /// The tests above cover both kernels only if the plan picks them as intended.
  @Test func picksTheConvolutionPathForInt8WeightsOnly() throws {
    func kernel(_ c: Case) throws -> Kernel {
      let (graph, _) = OperatorHarness.graph("QLinearMatMul", Self.operands(c))
      let node = graph.nodes[0]
      let lookup = ConstantLookup(graph.constants)
      let infos: [TensorInfo?] = node.inputs.map { name in
        graph.inputs.first { $0.name == name }
          ?? graph.constants[name].map {
            TensorInfo(name: name, elementType: $0.elementType, shape: $0.shape)
          }
      }
      let plan = try QLinearMatMulPlan(node, infos, lookup, offsets: true)
      let scratch = UnsafeMutableRawPointer.allocate(byteCount: 1 << 16, alignment: 64)
      defer { scratch.deallocate() }
      let view = TensorView(data: scratch, info: plan.output)
      return plan.kernel(node, a: view, b: view, y: view, constants: lookup)
    }
    let int8 = Case.random(
      aShape: [4, 13], bShape: [13, 24], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true, seed: 1)
    #expect(try kernel(int8) is QuantizedMatMulConvKernel)
    let wide = Case.random(
      aShape: [4, 13], bShape: [13, 24], aType: .uint8, bType: .uint8, yType: .uint8, perColumn: false,
      seed: 1,
      bRange: 0...255)
    #expect(try kernel(wide) is QuantizedMatMulLoopKernel)
    var fed = int8
    fed.bIsInput = true
    #expect(try kernel(fed) is QuantizedMatMulLoopKernel)
    let batched = Case.random(
      aShape: [4, 13], bShape: [2, 13, 24], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true,
      seed: 1)
    #expect(try kernel(batched) is QuantizedMatMulLoopKernel)
  }

  @Test func rejectsMalformedNodes() {
    var c = Case.random(
      aShape: [4, 13], bShape: [13, 24], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true, seed: 2)
    c.bScales = [0.1, 0.2]
    #expect(OperatorHarness.error("QLinearMatMul", Self.operands(c)) != nil, "2 scales for 24 columns")
    var mismatched = Case.random(
      aShape: [4, 12], bShape: [13, 24], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true, seed: 2)
    mismatched.a = Array(mismatched.a.prefix(48))
    #expect(OperatorHarness.error("QLinearMatMul", Self.operands(mismatched)) != nil, "K 12 against 13")
    var wrongZero = Self.operands(
      Case.random(
        aShape: [4, 13], bShape: [13, 24], aType: .uint8, bType: .int8, yType: .uint8, perColumn: false,
        seed: 2))
    wrongZero[2] = .constant(Self.tensor([0], [], .int8))
    #expect(OperatorHarness.error("QLinearMatMul", wrongZero) != nil, "int8 zero point for uint8 a")
  }

  // MARK: QGemm

  /// QGemm's operands from a QLinearMatMul case over B `[K][N]`, with B stored transposed when
  /// `transB` and A when `transA`, and the int32 bias `bias`.
  static func gemmOperands(_ c: Case, transA: Bool, transB: Bool, bias: [Int]?) -> [Operand] {
    var operands = operands(c)
    let m = c.aShape[0], k = c.aShape[1], n = c.bShape[1]
    if transA {
      let values = (0..<k * m).map { c.a[($0 % m) * k + $0 / m] }
      operands[0] = .input(tensor(values, [k, m], c.aType))
    }
    if transB {
      let values = (0..<n * k).map { c.b[($0 % k) * n + $0 / k] }
      operands[3] = .constant(tensor(values, [n, k], c.bType))
    }
    let y = Array(operands[6...])
    return Array(operands[..<6]) + [bias.map { .constant(OperatorHarness.ints($0, [$0.count])) } ?? .absent]
      + y
  }

  @Test(arguments: [false, true], [false, true])
  func qgemmMatchesTheReferenceWithBiasAndTranspositions(transA: Bool, transB: Bool) throws {
    for (index, bType) in [ElementType.int8, .uint8].enumerated() {
      let c = Case.random(
        aShape: [9, 13], bShape: [13, 24], aType: .uint8, bType: bType, yType: .uint8, perColumn: true,
        seed: UInt64(index * 4 + (transA ? 2 : 0) + (transB ? 1 : 0)),
        bRange: bType == .uint8 ? 0...255 : nil,
        yScale: bType == .uint8 ? 1 : 0.05)
      var random = SeededRandom(3)
      let bias = (0..<24).map { _ in Int.random(in: -20_000...20_000, using: &random) }
      let output = try OperatorHarness.run(
        "QGemm", Self.gemmOperands(c, transA: transA, transB: transB, bias: bias),
        attributes: ["transA": .int(transA ? 1 : 0), "transB": .int(transB ? 1 : 0)])[0]
      // The bias is in units of a_scale * b_scale: the reference adds it to each column's sum.
      var reference = c
      reference.aShape = [9, 14]
      var b: [Int] = []
      for row in 0..<13 { b += c.b[row * 24..<(row + 1) * 24] }
      let zeros = c.bZeros.count == 1 ? [Int](repeating: c.bZeros[0], count: 24) : c.bZeros
      b += (0..<24).map { bias[$0] + zeros[$0] }
      // An extra row of A equal to a_zp + 1 against a row of B equal to b_zp + bias adds the bias.
      var a: [Int] = []
      for row in 0..<9 { a += c.a[row * 13..<(row + 1) * 13] + [c.aZero + 1] }
      reference.a = a
      reference.b = b
      reference.bShape = [14, 24]
      let want = Self.reference(reference)
      #expect(output.shape == [9, 24])
      #expect(
        OperatorHarness.intValues(output) == want.values, "transA \(transA) transB \(transB) b \(bType)")
    }
  }

  @Test func qgemmRejectsAPerRowBiasAndTheFloatOutputForm() {
    let c = Case.random(
      aShape: [4, 13], bShape: [13, 24], aType: .uint8, bType: .int8, yType: .uint8, perColumn: true, seed: 2)
    var operands = Self.gemmOperands(c, transA: false, transB: false, bias: nil)
    operands[6] = .constant(OperatorHarness.ints([Int](repeating: 1, count: 96), [4, 24]))
    #expect(OperatorHarness.error("QGemm", operands) != nil, "a bias per row")
    let floatForm = Array(Self.gemmOperands(c, transA: false, transB: false, bias: nil).prefix(7))
    #expect(OperatorHarness.error("QGemm", floatForm) != nil, "no y_scale")
  }
}
