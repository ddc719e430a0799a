import Testing

@testable import Engine

@Suite struct TensorTests {
  @Test func allocatesZeroedStorageOfTheShapesSize() throws {
    let tensor = try Tensor(shape: [1, 3, 4, 5], elementType: .float32)
    #expect(tensor.elementCount == 60)
    #expect(tensor.byteCount == 240)
    tensor.withElements(as: Float.self) { #expect($0.allSatisfy { $0 == 0 }) }
  }

  @Test func rejectsNegativeAndOverflowingShapes() {
    #expect(throws: TensorError.invalidShape([2, -1])) {
      try Tensor(shape: [2, -1], elementType: .int8, quantization: .init(scale: 1, zeroPoint: 0))
    }
    #expect(throws: TensorError.invalidShape([Int.max, 3])) {
      try Tensor(shape: [Int.max, 3], elementType: .float32)
    }
    #expect(throws: TensorError.tooLarge(bytes: 1 << 40)) {
      try Tensor(shape: [1 << 38], elementType: .float32)
    }
  }

  @Test func quantizedTensorsNeedParameters() {
    #expect(throws: TensorError.missingQuantization) { try Tensor(shape: [4], elementType: .uint8) }
  }

  @Test func quantizeRoundsHalfToEvenAndSaturates() {
    #expect(Quantization.quantize(2.5, scale: 1, zeroPoint: 0, type: .int8) == 2)
    #expect(Quantization.quantize(3.5, scale: 1, zeroPoint: 0, type: .int8) == 4)
    #expect(Quantization.quantize(1000, scale: 1, zeroPoint: 0, type: .int8) == 127)
    #expect(Quantization.quantize(-1000, scale: 1, zeroPoint: 0, type: .uint8) == 0)
    #expect(Quantization.quantize(0.5, scale: 0.25, zeroPoint: 10, type: .uint8) == 12)
    #expect(Quantization.quantize(.nan, scale: 1, zeroPoint: 0, type: .int8) == -128)
    #expect(Quantization.quantize(1, scale: 0, zeroPoint: 0, type: .uint8) == 255)
  }
}
