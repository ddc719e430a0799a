import Testing

@testable import Engine

/// QLinearAdd against its definition (ONNX Runtime's x86 arithmetic, written out here in Swift),
/// on lengths that exercise the AVX2 blocks of 32, the SSE2 blocks of 16 and the scalar tail; and
/// against the float path it replaces (DequantizeLinear x2 -> Add -> QuantizeLinear).
@Suite struct QLinearAddTests {
  struct Parameters {
    var aScale: Float, aZero: Int, bScale: Float, bZero: Int, cScale: Float, cZero: Int
  }

  static func operands(_ a: Tensor, _ b: Tensor, _ p: Parameters, type: ElementType) -> [Operand] {
    func zero(_ value: Int) -> Tensor {
      type == .int8 ? OperatorHarness.int8s([value], []) : OperatorHarness.uint8s([value], [])
    }
    return [
      .input(a), .constant(OperatorHarness.floats([p.aScale], [])), .constant(zero(p.aZero)),
      .input(b), .constant(OperatorHarness.floats([p.bScale], [])), .constant(zero(p.bZero)),
      .constant(OperatorHarness.floats([p.cScale], [])), .constant(zero(p.cZero)),
    ]
  }

  /// The definition: ratios to the output scale, a fixed part, float32 steps in this order.
  static func expected(_ a: [Int], _ b: [Int], _ p: Parameters, type: ElementType) -> [Int] {
    let ratioA = p.aScale / p.cScale, ratioB = p.bScale / p.cScale
    let fixed = Float(p.cZero) - (ratioA * Float(p.aZero) + ratioB * Float(p.bZero))
    let (low, high) = type == .int8 ? (-128, 127) : (0, 255)
    return zip(a, b).map { x, y in
      var sum = fixed + Float(x) * ratioA
      sum = sum + Float(y) * ratioB
      return min(max(Int(sum.rounded(.toNearestOrEven)), low), high)
    }
  }

  @Test(arguments: [ElementType.uint8, .int8], [1, 15, 16, 31, 32, 33, 1000, 40_001])
  func matchesTheDefinition(type: ElementType, count: Int) throws {
    var random = SeededRandom(UInt64(count) &* 7 &+ (type == .int8 ? 1 : 0))
    let range = type == .int8 ? -128...127 : 0...255
    let a = (0..<count).map { _ in Int.random(in: range, using: &random) }
    let b = (0..<count).map { _ in Int.random(in: range, using: &random) }
    let p = Parameters(
      aScale: 0.031, aZero: type == .int8 ? -3 : 120, bScale: 0.0173, bZero: type == .int8 ? 11 : 131,
      cScale: 0.043, cZero: type == .int8 ? 5 : 127)
    let make = type == .int8 ? OperatorHarness.int8s : OperatorHarness.uint8s
    let output = try OperatorHarness.run(
      "QLinearAdd",
      Self.operands(
        make(a, [count], .init(scale: 1, zeroPoint: 0)), make(b, [count], .init(scale: 1, zeroPoint: 0)), p,
        type: type))[0]
    #expect(output.elementType == type)
    let got = OperatorHarness.intValues(output)
    let want = Self.expected(a, b, p, type: type)
    let mismatches = zip(got, want).enumerated().filter { $0.element.0 != $0.element.1 }
    #expect(
      mismatches.isEmpty,
      "\(mismatches.count) of \(count) differ, first \(mismatches.first.map { "\($0)" } ?? "")")
    // Saturation happens at both ends with these parameters.
    if count >= 1000 {
      #expect(got.contains(range.lowerBound) || got.contains(range.upperBound))
    }
  }

  /// Within one step of dequantize -> add in float -> quantize: the fused form only changes the
  /// order of float operations.
  @Test func staysWithinOneStepOfTheFloatPath() throws {
    var random = SeededRandom(99)
    let count = 4099
    let a = (0..<count).map { _ in Int.random(in: 0...255, using: &random) }
    let b = (0..<count).map { _ in Int.random(in: 0...255, using: &random) }
    // Scales with no common ratio: commensurate ones (0.02, 0.05, 0.06) put a sixth of all sums
    // exactly on a rounding tie, where the order of float operations decides.
    let p = Parameters(aScale: 0.0213, aZero: 128, bScale: 0.0517, bZero: 100, cScale: 0.0611, cZero: 110)
    let got = OperatorHarness.intValues(
      try OperatorHarness.run(
        "QLinearAdd",
        Self.operands(
          OperatorHarness.uint8s(a, [1, 1, 1, count]), OperatorHarness.uint8s(b, [1, 1, 1, count]), p,
          type: .uint8))[0])
    var exact = 0
    for index in 0..<count {
      let real = Float(a[index] - p.aZero) * p.aScale + Float(b[index] - p.bZero) * p.bScale
      let reference = Int(
        Quantization.quantize(real, scale: p.cScale, zeroPoint: Int32(p.cZero), type: .uint8))
      #expect(abs(got[index] - reference) <= 1, "element \(index): \(got[index]) vs \(reference)")
      if got[index] == reference { exact += 1 }
    }
    #expect(exact > count * 99 / 100)
  }

  @Test func refusesBroadcastingAndMixedTypes() {
    let p = Parameters(aScale: 1, aZero: 0, bScale: 1, bZero: 0, cScale: 1, cZero: 0)
    let broadcast = OperatorHarness.error(
      "QLinearAdd",
      Self.operands(OperatorHarness.uint8s([1, 2], [2]), OperatorHarness.uint8s([1], [1]), p, type: .uint8))
    #expect(broadcast?.description.contains("one shape") == true)
    let mixed = OperatorHarness.error(
      "QLinearAdd",
      Self.operands(
        OperatorHarness.uint8s([1, 2], [2]), OperatorHarness.int8s([1, 2], [2]), p, type: .uint8))
    #expect(mixed != nil)
  }
}
