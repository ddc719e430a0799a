import Testing

@testable import Engine

@Suite struct QuantizeLinearTests {
  /// ONNX QuantizeLinear of one value, in Double: round half to even, then saturate.
  static func quantize(_ x: Float, _ scale: Float, _ zeroPoint: Int, int8: Bool) -> Int {
    let level = Int((Double(x) / Double(scale)).rounded(.toNearestOrEven)) + zeroPoint
    return int8 ? min(max(level, -128), 127) : min(max(level, 0), 255)
  }

  @Test func perTensorRoundsHalfToEvenAndSaturates() throws {
    let x: [Float] = [0, 0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 1000, -1000, 0.26, -0.74]
    let input = OperatorHarness.floats(x, [x.count])
    let int8 = try OperatorHarness.run(
      "QuantizeLinear",
      [
        .input(input), .constant(OperatorHarness.floats([0.5], [])),
        .constant(OperatorHarness.int8s([3], [])),
      ])[0]
    #expect(int8.elementType == .int8)
    #expect(int8.quantization == Quantization(scale: 0.5, zeroPoint: 3))
    #expect(OperatorHarness.intValues(int8) == x.map { Self.quantize($0, 0.5, 3, int8: true) })
    #expect(OperatorHarness.intValues(int8).prefix(7) == [3, 4, 6, 8, 2, 0, -2])
    let uint8 = try OperatorHarness.run(
      "QuantizeLinear",
      [
        .input(input), .constant(OperatorHarness.floats([1], [1])),
        .constant(OperatorHarness.uint8s([128], [1])),
      ])[0]
    #expect(uint8.elementType == .uint8)
    #expect(OperatorHarness.intValues(uint8) == [128, 128, 130, 130, 128, 126, 126, 255, 0, 128, 127])
    let defaulted = try OperatorHarness.run(
      "QuantizeLinear", [.input(input), .constant(OperatorHarness.floats([1], []))])[0]
    #expect(defaulted.elementType == .uint8)
    #expect(OperatorHarness.intValues(defaulted) == x.map { Self.quantize($0, 1, 0, int8: false) })
    let dtype = try OperatorHarness.run(
      "QuantizeLinear", [.input(input), .constant(OperatorHarness.floats([1], []))],
      attributes: ["output_dtype": .int(3)])[0]
    #expect(dtype.elementType == .int8)
  }

  @Test func perAxisBothWays() throws {
    var random = SeededRandom(71)
    let shape = [2, 3, 4, 5]
    let x = random.floats(shape.reduce(1, *), in: -3...3)
    for axis in [1, 0, -1] {
      let normalised = axis < 0 ? axis + 4 : axis
      let channels = shape[normalised]
      let scales = random.floats(channels, in: 0.01...0.05)
      let zeros = (0..<channels).map { $0 * 7 - 10 }
      let inner = shape[(normalised + 1)...].reduce(1, *)
      let q = try OperatorHarness.run(
        "QuantizeLinear",
        [
          .input(OperatorHarness.floats(x, shape)), .constant(OperatorHarness.floats(scales, [channels])),
          .constant(OperatorHarness.int8s(zeros, [channels])),
        ],
        attributes: ["axis": .int(axis)], threads: 3)[0]
      #expect(
        q.quantization == Quantization(scales: scales, zeroPoints: zeros.map { Int32($0) }, axis: normalised))
      let expected = x.indices.map {
        Self.quantize(x[$0], scales[($0 / inner) % channels], zeros[($0 / inner) % channels], int8: true)
      }
      #expect(OperatorHarness.intValues(q) == expected)
      let d = try OperatorHarness.run(
        "DequantizeLinear",
        [
          .input(q), .constant(OperatorHarness.floats(scales, [channels])),
          .constant(OperatorHarness.int8s(zeros, [channels])),
        ],
        attributes: ["axis": .int(axis)])[0]
      #expect(d.elementType == .float32)
      expectClose(
        OperatorHarness.values(d),
        expected.indices.map {
          Double(expected[$0] - zeros[($0 / inner) % channels]) * Double(scales[($0 / inner) % channels])
        },
        tolerance: 1e-6)
    }
  }

  @Test func dequantizeInt8Uint8AndInt32() throws {
    let int8 = try OperatorHarness.run(
      "DequantizeLinear",
      [
        .input(OperatorHarness.int8s([-128, -1, 0, 5, 127], [5])),
        .constant(OperatorHarness.floats([0.25], [])), .constant(OperatorHarness.int8s([-1], [])),
      ])[0]
    #expect(OperatorHarness.values(int8) == [-31.75, 0, 0.25, 1.5, 32])
    let uint8 = try OperatorHarness.run(
      "DequantizeLinear",
      [
        .input(OperatorHarness.uint8s([0, 128, 255], [3])), .constant(OperatorHarness.floats([2], [1])),
        .constant(OperatorHarness.uint8s([128], [1])),
      ])[0]
    #expect(OperatorHarness.values(uint8) == [-256, 0, 254])
    let int32 = try OperatorHarness.run(
      "DequantizeLinear",
      [
        .input(OperatorHarness.ints([-100000, 3, 7])),
        .constant(OperatorHarness.floats([0.001, 0.5, 2], [3])),
      ], attributes: ["axis": .int(0)])[0]
    expectClose(OperatorHarness.values(int32), [-100, 1.5, 14], tolerance: 1e-6)
    // int16 as the importer widens it: any zero point.
    let int16 = try OperatorHarness.run(
      "DequantizeLinear",
      [
        .input(OperatorHarness.ints([-1024, 0, 31000])), .constant(OperatorHarness.floats([0.5], [])),
        .constant(OperatorHarness.ints([-1024], [])),
      ])[0]
    #expect(OperatorHarness.values(int16) == [0, 512, 16012])
  }

  @Test func nanAndInfinityDoNotCrash() throws {
    let q = try OperatorHarness.run(
      "QuantizeLinear",
      [
        .input(OperatorHarness.floats([.nan, .infinity, -.infinity, 1], [4])),
        .constant(OperatorHarness.floats([0.1], [])), .constant(OperatorHarness.int8s([0], [])),
      ])[0]
    #expect(OperatorHarness.intValues(q) == [-128, 127, -128, 10])
  }

  @Test func rejectsUnsupportedParameters() {
    let x = OperatorHarness.floats([Float](repeating: 0, count: 6), [2, 3])
    let scale = Operand.constant(OperatorHarness.floats([0.1], []))
    expectGraphError(
      OperatorHarness.error("QuantizeLinear", [.input(x), .input(OperatorHarness.floats([0.1], [1]))]),
      mentioning: "constant scale")
    expectGraphError(
      OperatorHarness.error("QuantizeLinear", [.input(x), .constant(OperatorHarness.floats([0], []))]),
      mentioning: "positive")
    expectGraphError(
      OperatorHarness.error("QuantizeLinear", [.input(x), .constant(OperatorHarness.floats([.nan], []))]),
      mentioning: "positive")
    expectGraphError(
      OperatorHarness.error("QuantizeLinear", [.input(x), scale], attributes: ["block_size": .int(2)]),
      mentioning: "block_size")
    expectGraphError(
      OperatorHarness.error("QuantizeLinear", [.input(x), scale], attributes: ["output_dtype": .int(17)]),
      mentioning: "output_dtype")
    expectGraphError(
      OperatorHarness.error("QuantizeLinear", [.input(x), scale, .constant(OperatorHarness.ints([0], []))]),
      mentioning: "int8 or uint8")
    expectGraphError(
      OperatorHarness.error(
        "QuantizeLinear", [.input(x), .constant(OperatorHarness.floats([0.1, 0.2], [2]))]),
      mentioning: "2 scales for axis 1")
    expectGraphError(
      OperatorHarness.error(
        "QuantizeLinear",
        [
          .input(x), .constant(OperatorHarness.floats([0.1, 0.2, 0.3], [3])),
          .constant(OperatorHarness.int8s([0], [])),
        ]),
      mentioning: "differ in shape")
    expectGraphError(
      OperatorHarness.error(
        "DequantizeLinear",
        [.input(OperatorHarness.int8s([1, 2], [2])), scale, .constant(OperatorHarness.uint8s([0], []))]),
      mentioning: "differs")
    expectGraphError(OperatorHarness.error("DequantizeLinear", [.input(x), scale]), mentioning: "float32")
  }
}
