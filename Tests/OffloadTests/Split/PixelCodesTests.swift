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
}
