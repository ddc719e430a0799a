import Testing

@testable import Engine

@Suite struct QuantizationChoiceTests {
  @Test func activationsAreUInt8AsymmetricOverARangeThatIncludesZero() {
    // [-1, 3]: scale 4/255, zero point round(1 / (4/255)) = round(63.75) = 64.
    #expect(
      QuantizationChoice.activation(TensorRange(min: -1, max: 3))
        == Quantization(scale: 4.0 / 255, zeroPoint: 64))
    // [0.5, 2] widens to [0, 2]; [-2, -1] to [-2, 0] (zero point at the top code).
    #expect(
      QuantizationChoice.activation(TensorRange(min: 0.5, max: 2))
        == Quantization(scale: 2.0 / 255, zeroPoint: 0))
    #expect(
      QuantizationChoice.activation(TensorRange(min: -2, max: -1))
        == Quantization(scale: 2.0 / 255, zeroPoint: 255))
    // A tensor that is always 0 gets scale 1, not 0.
    #expect(
      QuantizationChoice.activation(TensorRange(min: 0, max: 0)) == Quantization(scale: 1, zeroPoint: 0))
  }

  @Test func weightsAreInt8SymmetricPerOutputChannel() throws {
    let weights = OperatorHarness.floats([0.5, -1.27, 0.127, 2.54, 0, -0.02], [2, 1, 1, 3])
    let quantization = QuantizationChoice.weightQuantization(weights, axis: 0)
    // max|w| / 127 per channel: 1.27 / 127 and 2.54 / 127.
    #expect(quantization == Quantization(scales: [0.01, 0.02], zeroPoints: [0, 0], axis: 0))
    let codes = try QuantizationChoice.quantize(
      OperatorHarness.values(weights), shape: [2, 1, 1, 3], quantization, type: .int8)
    #expect(OperatorHarness.intValues(codes) == [50, -127, 13, 127, 0, -1])
    let perTensor = QuantizationChoice.weightQuantization(weights, axis: nil)
    #expect(perTensor == Quantization(scale: 0.02, zeroPoint: 0))
  }

  @Test func weightsAlongTheLastAxisForMatMul() {
    let weights = OperatorHarness.floats([1, -4, 0.5, 2, -2, 0], [2, 3])  // columns: max|w| 2, 4, 0.5
    let quantization = QuantizationChoice.weightQuantization(weights, axis: 1)
    #expect(quantization.scales == [Float(4.0 / 254), Float(8.0 / 254), Float(1.0 / 254)])
  }

  @Test func biasIsInt32InUnitsOfInputScaleTimesWeightScale() {
    let (codes, scales) = QuantizationChoice.bias(
      [1, -0.333, 70000], inputScale: 0.5, weightScales: [0.01, 0.02, 1e-9])
    #expect(scales == [Float(0.5) * 0.01, Float(0.5) * 0.02, Float(0.5) * 1e-9])
    #expect(codes[0] == 200)
    #expect(codes[1] == -33)  // -33.3
    #expect(codes[2] == Int32.max, "saturates")
    // The weight scale of the third channel grows until the bias fits in int32.
    let adjusted = QuantizationChoice.weightScalesFittingBias(
      [1, -0.333, 70000], inputScale: 0.5, weightScales: [0.01, 0.02, 1e-9])
    #expect(adjusted[0] == 0.01 && adjusted[1] == 0.02)
    let fitted = QuantizationChoice.bias([70000], inputScale: 0.5, weightScales: [adjusted[2]]).codes[0]
    #expect(fitted < Int32.max && fitted > Int32.max / 2)
  }
}
