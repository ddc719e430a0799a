import Engine
import Testing

@testable import Offload

@Suite struct PixelCodesTests {
  static func floats(_ values: [Float]) throws -> Tensor {
    let tensor = try Tensor(shape: [values.count], elementType: .float32)
    tensor.withMutableElements(as: Float.self) { for index in values.indices { $0[index] = values[index] } }
    return tensor
  }

  @Test func eightBitPixelsTravelAsTheirCodesLosslessly() throws {
    let values = (0...255).map { Float($0) * PixelCodes.scale }
    let original = try Self.floats(values)
    let codes = try #require(PixelCodes.codes(of: original))
    #expect(codes.elementType == .uint8)
    #expect(codes.withElements(as: UInt8.self) { Array($0) } == (0...255).map(UInt8.init))
    let back = try #require(PixelCodes.dequantized(codes))
    #expect(Array(back.bytes) == Array(original.bytes))
  }

  @Test func otherFloatsStayFloat() throws {
    #expect(PixelCodes.codes(of: try Self.floats([0, 0.5])) == nil)
    #expect(PixelCodes.codes(of: try Self.floats([-1.0 / 255])) == nil)
    #expect(PixelCodes.codes(of: try Self.floats([2])) == nil)
    let ints = try Tensor(shape: [1], elementType: .int32)
    #expect(PixelCodes.codes(of: ints) == nil)
  }

  /// A frame preprocessed to 8-bit codes becomes float pixels whose codes are exactly those
  /// codes again: what `hiyari offload` and `bench-split` feed the model so frames cross as bytes.
  @Test func pixelsOfCodesGiveTheCodesBack() throws {
    let codes = try Tensor(
      shape: [1, 3, 2, 43], elementType: .uint8, quantization: .init(scale: 1, zeroPoint: 0))
    codes.withMutableElements(as: UInt8.self) {
      for index in $0.indices { $0[index] = UInt8(index * 7 % 256) }
    }
    let pixels = try #require(PixelCodes.pixels(of: codes))
    #expect(pixels.elementType == .float32 && pixels.shape == codes.shape)
    #expect(abs(pixels.withElements(as: Float.self) { $0[1] } - 7.0 / 255) < 1e-7)
    let back = try #require(PixelCodes.codes(of: pixels))
    #expect(Array(back.bytes) == Array(codes.bytes))
    #expect(PixelCodes.pixels(of: pixels) == nil)
  }
}
