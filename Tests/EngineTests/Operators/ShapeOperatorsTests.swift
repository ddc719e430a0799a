import Testing

@testable import Engine

@Suite struct ShapeOperatorsTests {
  static func sequence(_ shape: [Int]) -> Tensor {
    OperatorHarness.floats((0..<shape.reduce(1, *)).map { Float($0) }, shape)
  }

  static func run(
    _ op: String, _ operands: [Operand], _ attributes: [String: Attribute] = [:], outputs: Int = 1
  ) throws -> [Tensor] {
    try OperatorHarness.run(op, operands, attributes: attributes, outputs: outputs)
  }

  /// Row-major coordinates of `index` in `shape`.
  static func coordinates(_ index: Int, _ shape: [Int]) -> [Int] {
    var rest = index
    var result = [Int](repeating: 0, count: shape.count)
    for axis in stride(from: shape.count - 1, through: 0, by: -1) {
      result[axis] = rest % shape[axis]
      rest /= shape[axis]
    }
    return result
  }

  static func offset(_ coordinates: [Int], _ shape: [Int]) -> Int {
    zip(coordinates, shape).reduce(0) { $0 * $1.1 + $1.0 }
  }

  @Test func reshapeCopiesZerosAndInfersMinusOne() throws {
    let x = Self.sequence([2, 3, 4])
    let y = try Self.run("Reshape", [.input(x), .constant(OperatorHarness.ints([0, -1, 2]))])[0]
    #expect(y.shape == [2, 6, 2])
    #expect(OperatorHarness.values(y) == OperatorHarness.values(x))
    #expect(try Self.run("Reshape", [.input(x), .constant(OperatorHarness.ints([-1]))])[0].shape == [24])
    #expect(
      try Self.run("Reshape", [.input(x), .constant(OperatorHarness.ints([4, 0, -1]))])[0].shape == [4, 3, 2])
    let int8 = OperatorHarness.int8s(Array(0..<12), [3, 4], quantization: .init(scale: 0.5, zeroPoint: 3))
    let reshaped = try Self.run("Reshape", [.input(int8), .constant(OperatorHarness.ints([2, 6]))])[0]
    #expect(OperatorHarness.intValues(reshaped) == Array(0..<12))
    #expect(reshaped.quantization == Quantization(scale: 0.5, zeroPoint: 3))
    expectGraphError(
      OperatorHarness.error("Reshape", [.input(x), .constant(OperatorHarness.ints([5, -1]))]),
      mentioning: "-1")
    expectGraphError(
      OperatorHarness.error("Reshape", [.input(x), .constant(OperatorHarness.ints([-1, -1]))]),
      mentioning: "more than one -1")
    expectGraphError(
      OperatorHarness.error("Reshape", [.input(x), .constant(OperatorHarness.ints([0, 0, 0, 0]))]),
      mentioning: "copies dimension 3")
    expectGraphError(
      OperatorHarness.error("Reshape", [.input(x), .constant(OperatorHarness.ints([7, 4]))]),
      mentioning: "cannot make")
    expectGraphError(
      OperatorHarness.error("Reshape", [.input(x), .constant(OperatorHarness.ints([2, -3, 4]))]),
      mentioning: "negative")
    expectGraphError(
      OperatorHarness.error(
        "Reshape", [.input(x), .constant(OperatorHarness.ints([0, 24]))], attributes: ["allowzero": .int(1)]),
      mentioning: "cannot make")
    expectGraphError(
      OperatorHarness.error("Reshape", [.input(x), .input(OperatorHarness.ints([24]))]),
      mentioning: "constant shape")
  }

  @Test func flattenSqueezeUnsqueeze() throws {
    let x = Self.sequence([2, 1, 3, 1, 4])
    #expect(try Self.run("Flatten", [.input(x)])[0].shape == [2, 12])
    #expect(try Self.run("Flatten", [.input(x)], ["axis": .int(0)])[0].shape == [1, 24])
    #expect(try Self.run("Flatten", [.input(x)], ["axis": .int(-2)])[0].shape == [6, 4])
    #expect(try Self.run("Flatten", [.input(x)], ["axis": .int(5)])[0].shape == [24, 1])
    #expect(try Self.run("Squeeze", [.input(x)])[0].shape == [2, 3, 4])
    #expect(
      try Self.run("Squeeze", [.input(x), .constant(OperatorHarness.ints([-2]))])[0].shape == [2, 1, 3, 4])
    #expect(try Self.run("Squeeze", [.input(x)], ["axes": .ints([1])])[0].shape == [2, 3, 1, 4])
    let unsqueezed = try Self.run("Unsqueeze", [.input(x), .constant(OperatorHarness.ints([0, -1]))])[0]
    #expect(unsqueezed.shape == [1, 2, 1, 3, 1, 4, 1])
    #expect(OperatorHarness.values(unsqueezed) == OperatorHarness.values(x))
    #expect(
      try Self.run("Unsqueeze", [.input(Self.sequence([3, 4]))], ["axes": .ints([1])])[0].shape == [3, 1, 4])
    expectGraphError(
      OperatorHarness.error("Flatten", [.input(x)], attributes: ["axis": .int(6)]), mentioning: "axis 6")
    expectGraphError(
      OperatorHarness.error("Squeeze", [.input(x), .constant(OperatorHarness.ints([0]))]),
      mentioning: "cannot squeeze")
    expectGraphError(
      OperatorHarness.error("Squeeze", [.input(x), .constant(OperatorHarness.ints([9]))]),
      mentioning: "out of range")
    expectGraphError(
      OperatorHarness.error("Unsqueeze", [.input(x), .constant(OperatorHarness.ints([1, 1]))]),
      mentioning: "twice")
    expectGraphError(OperatorHarness.error("Unsqueeze", [.input(x)]), mentioning: "needs axes")
    expectGraphError(
      OperatorHarness.error("Unsqueeze", [.input(x), .constant(OperatorHarness.ints([0, 1, 2, 3]))]),
      mentioning: "rank 9")
  }

  @Test(arguments: [
    ([2, 3, 4, 5], [0, 2, 3, 1]), ([2, 3, 4, 5], [3, 1, 0, 2]), ([1, 84, 70], [0, 2, 1]),
    ([2, 4, 3, 5, 6], [0, 2, 1, 3, 4]),
    ([40, 37], [1, 0]), ([3, 1, 5], [2, 1, 0]),
  ])
  func transposeMatchesIndexArithmetic(_ arguments: ([Int], [Int])) throws {
    let (shape, perm) = arguments
    let x = Self.sequence(shape)
    let y = try Self.run("Transpose", [.input(x)], ["perm": .ints(perm)])[0]
    let outputShape = perm.map { shape[$0] }
    #expect(y.shape == outputShape)
    let expected = (0..<y.elementCount).map { index -> Float in
      let out = Self.coordinates(index, outputShape)
      var source = [Int](repeating: 0, count: shape.count)
      for (axis, inputAxis) in perm.enumerated() { source[inputAxis] = out[axis] }
      return Float(Self.offset(source, shape))
    }
    #expect(OperatorHarness.values(y) == expected)
    // The same permutation of int8 data (1-byte elements).
    let bytes = OperatorHarness.int8s((0..<x.elementCount).map { $0 % 100 }, shape)
    let moved = try Self.run("Transpose", [.input(bytes)], ["perm": .ints(perm)])[0]
    #expect(OperatorHarness.intValues(moved) == expected.map { Int($0) % 100 })
  }

  @Test func transposeDefaultsToReversedAxes() throws {
    let y = try Self.run("Transpose", [.input(Self.sequence([2, 3]))])[0]
    #expect(y.shape == [3, 2])
    #expect(OperatorHarness.values(y) == [0, 3, 1, 4, 2, 5])
    expectGraphError(
      OperatorHarness.error(
        "Transpose", [.input(Self.sequence([2, 3]))], attributes: ["perm": .ints([0, 0])]), mentioning: "perm"
    )
  }

  @Test func concatAlongAnyAxis() throws {
    let a = Self.sequence([2, 3, 4]), b = OperatorHarness.floats((0..<16).map { Float(100 + $0) }, [2, 2, 4])
    let y = try Self.run("Concat", [.input(a), .constant(b)], ["axis": .int(-2)])[0]
    #expect(y.shape == [2, 5, 4])
    let expected = (0..<40).map { index -> Float in
      let c = Self.coordinates(index, [2, 5, 4])
      return c[1] < 3
        ? Float(Self.offset(c, [2, 3, 4])) : Float(100 + Self.offset([c[0], c[1] - 3, c[2]], [2, 2, 4]))
    }
    #expect(OperatorHarness.values(y) == expected)
    let ints = try Self.run(
      "Concat",
      [
        .constant(OperatorHarness.ints([1, 2])), .constant(OperatorHarness.ints([3])),
        .input(OperatorHarness.ints([4, 5])),
      ], ["axis": .int(0)])[0]
    #expect(OperatorHarness.intValues(ints) == [1, 2, 3, 4, 5])
    expectGraphError(
      OperatorHarness.error("Concat", [.input(a), .input(b)], attributes: ["axis": .int(0)]),
      mentioning: "does not match")
    expectGraphError(OperatorHarness.error("Concat", [.input(a), .input(b)]), mentioning: "axis")
    expectGraphError(
      OperatorHarness.error(
        "Concat", [.input(a), .input(OperatorHarness.ints([1]))], attributes: ["axis": .int(0)]),
      mentioning: "unlike input 0")
  }

  @Test func splitEquallyBySizesAndByNumOutputs() throws {
    let x = Self.sequence([2, 7, 3])
    let parts = try Self.run(
      "Split", [.input(x), .constant(OperatorHarness.ints([2, 4, 1]))], ["axis": .int(1)], outputs: 3)
    #expect(parts.map(\.shape) == [[2, 2, 3], [2, 4, 3], [2, 1, 3]])
    for (number, part) in parts.enumerated() {
      let start = [0, 2, 6][number]
      let expected = (0..<part.elementCount).map { index -> Float in
        let c = Self.coordinates(index, part.shape)
        return Float(Self.offset([c[0], c[1] + start, c[2]], [2, 7, 3]))
      }
      #expect(OperatorHarness.values(part) == expected)
    }
    let halves = try Self.run("Split", [.input(Self.sequence([4, 2]))], outputs: 2)
    #expect(halves.map(OperatorHarness.values) == [[0, 1, 2, 3], [4, 5, 6, 7]])
    let uneven = try Self.run("Split", [.input(Self.sequence([7]))], ["num_outputs": .int(3)], outputs: 3)
    #expect(uneven.map(OperatorHarness.values) == [[0, 1, 2], [3, 4, 5], [6]])
    let attribute = try Self.run("Split", [.input(Self.sequence([5]))], ["split": .ints([1, 4])], outputs: 2)
    #expect(attribute.map(OperatorHarness.values) == [[0], [1, 2, 3, 4]])
    expectGraphError(
      OperatorHarness.error("Split", [.input(Self.sequence([7]))], outputs: 2), mentioning: "equal parts")
    expectGraphError(
      OperatorHarness.error(
        "Split", [.input(Self.sequence([7]))], attributes: ["split": .ints([Int.max, Int.max, 9])], outputs: 3
      ), mentioning: "add up")
    expectGraphError(
      OperatorHarness.error(
        "Split", [.input(x), .constant(OperatorHarness.ints([2, 2]))], attributes: ["axis": .int(1)],
        outputs: 2), mentioning: "add up")
    expectGraphError(
      OperatorHarness.error(
        "Split", [.input(x), .constant(OperatorHarness.ints([3, 4]))], attributes: ["axis": .int(1)],
        outputs: 3), mentioning: "declares 3 outputs")
  }

  /// Slice reference: Python's range semantics after ONNX clamping.
  static func sliceIndices(start: Int, end: Int, step: Int, extent: Int) -> [Int] {
    var s = start < 0 ? start + extent : start, e = end < 0 ? end + extent : end
    if step > 0 {
      s = min(max(s, 0), extent)
      e = min(max(e, 0), extent)
      return Array(stride(from: s, to: e, by: step))
    }
    s = min(max(s, 0), extent - 1)
    e = min(max(e, -1), extent - 1)
    return Array(stride(from: s, to: e, by: step))
  }

  @Test(arguments: [
    ([1, 3], [5, 9], [1, 2], [1, 2]),
    ([-1], [Int(Int32.min)], [2], [-1]),
    ([0, Int(Int32.max)], [Int(Int32.max), 0], [0, 1], [1, -2]),
    ([-100, 2], [100, -1], [-3, -1], [3, 1]),
    ([5], [1], [0], [1]),
    ([0, 0, 0], [2, 1, 1], [0, 1, 2], [1, 1, 1]),
  ])
  func sliceClampsAndSteps(_ arguments: ([Int], [Int], [Int], [Int])) throws {
    let (starts, ends, axes, steps) = arguments
    let shape = [3, 6, 10]
    let x = Self.sequence(shape)
    let y = try Self.run(
      "Slice",
      [
        .input(x), .constant(OperatorHarness.ints(starts)), .constant(OperatorHarness.ints(ends)),
        .constant(OperatorHarness.ints(axes)), .constant(OperatorHarness.ints(steps)),
      ])[0]
    var picks = shape.map { Array(0..<$0) }
    for index in axes.indices {
      let axis = axes[index] < 0 ? axes[index] + 3 : axes[index]
      picks[axis] = Self.sliceIndices(
        start: starts[index], end: ends[index], step: steps[index], extent: shape[axis])
    }
    #expect(y.shape == picks.map(\.count))
    var expected: [Float] = []
    for a in picks[0] {
      for b in picks[1] { for c in picks[2] { expected.append(Float(Self.offset([a, b, c], shape))) } }
    }
    #expect(OperatorHarness.values(y) == expected)
  }

  @Test func sliceDefaultsAndErrors() throws {
    let x = Self.sequence([4, 5])
    let y = try Self.run(
      "Slice",
      [.input(x), .constant(OperatorHarness.ints([1, 1])), .constant(OperatorHarness.ints([3, -1]))])[0]
    #expect(OperatorHarness.values(y) == [6, 7, 8, 11, 12, 13])
    let attribute = try Self.run(
      "Slice", [.input(x)], ["starts": .ints([2]), "ends": .ints([Int.max]), "axes": .ints([0])])[0]
    #expect(attribute.shape == [2, 5])
    expectGraphError(
      OperatorHarness.error(
        "Slice",
        [
          .input(x), .constant(OperatorHarness.ints([0])), .constant(OperatorHarness.ints([1])),
          .constant(OperatorHarness.ints([0])), .constant(OperatorHarness.ints([0])),
        ]),
      mentioning: "zero step")
    expectGraphError(
      OperatorHarness.error(
        "Slice", [.input(x), .constant(OperatorHarness.ints([0, 0])), .constant(OperatorHarness.ints([1]))]),
      mentioning: "differ in length")
    expectGraphError(
      OperatorHarness.error(
        "Slice",
        [
          .input(x), .constant(OperatorHarness.ints([0, 0])), .constant(OperatorHarness.ints([1, 1])),
          .constant(OperatorHarness.ints([1, -1])),
        ]),
      mentioning: "twice")
    expectGraphError(
      OperatorHarness.error(
        "Slice", [.input(x), .input(OperatorHarness.ints([0])), .constant(OperatorHarness.ints([1]))]),
      mentioning: "constant starts")
  }

  @Test func shapeOutputsInt32() throws {
    let x = Self.sequence([2, 3, 4, 5])
    let y = try Self.run("Shape", [.input(x)])[0]
    #expect(y.elementType == .int32)
    #expect(OperatorHarness.intValues(y) == [2, 3, 4, 5])
    #expect(
      OperatorHarness.intValues(try Self.run("Shape", [.input(x)], ["start": .int(1), "end": .int(-1)])[0])
        == [3, 4])
    #expect(
      OperatorHarness.intValues(try Self.run("Shape", [.input(x)], ["start": .int(-10), "end": .int(10)])[0])
        == [2, 3, 4, 5])
  }

  @Test func gatherConstantAndRuntimeIndices() throws {
    let x = Self.sequence([3, 4, 2])
    let scalar = try Self.run("Gather", [.input(x), .constant(OperatorHarness.ints([-1], []))])[0]
    #expect(scalar.shape == [4, 2])
    #expect(OperatorHarness.values(scalar) == (16..<24).map(Float.init))
    let matrix = try Self.run(
      "Gather", [.input(x), .constant(OperatorHarness.ints([3, 0, 1, 3], [2, 2]))], ["axis": .int(1)])[0]
    #expect(matrix.shape == [3, 2, 2, 2])
    let expected = (0..<24).map { index -> Float in
      let c = Self.coordinates(index, [3, 2, 2, 2])
      return Float(Self.offset([c[0], [3, 0, 1, 3][c[1] * 2 + c[2]], c[3]], [3, 4, 2]))
    }
    #expect(OperatorHarness.values(matrix) == expected)
    let runtime = try Self.run("Gather", [.input(x), .input(OperatorHarness.ints([2, -3, 7]))])[0]
    #expect(
      OperatorHarness.values(runtime) == (16..<24).map(Float.init) + (0..<8).map(Float.init)
        + [Float](repeating: 0, count: 8))
    let shapeValues = try Self.run(
      "Gather", [.input(OperatorHarness.ints([1, 3, 640, 480])), .constant(OperatorHarness.ints([2], []))])[0]
    #expect(shapeValues.shape == [])
    #expect(OperatorHarness.intValues(shapeValues) == [640])
    expectGraphError(
      OperatorHarness.error("Gather", [.input(x), .constant(OperatorHarness.ints([3]))]),
      mentioning: "out of range")
    expectGraphError(
      OperatorHarness.error(
        "Gather", [.input(x), .constant(OperatorHarness.ints([0]))], attributes: ["axis": .int(3)]),
      mentioning: "axis 3")
    expectGraphError(
      OperatorHarness.error("Gather", [.input(x), .input(OperatorHarness.floats([0], [1]))]),
      mentioning: "int32 indices")
  }
}
