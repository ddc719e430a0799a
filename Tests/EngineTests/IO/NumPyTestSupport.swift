import Foundation
import Testing

@testable import Engine

/// Arrays with recognisable values for the NumPy file tests, and the Python side that writes and
/// reads the same values with numpy.
enum NumPyTestSupport {
  /// The value at flat index `index` for each dtype; the Python twin is `values` in `pythonPrelude`.
  static func value(_ type: NumPyDataType, _ index: Int) -> Double {
    switch type {
    case .float32, .float64: Double(index) * 0.5 - 3.25
    case .int8: Double(index * 11 % 256 - 128)
    case .uint8: Double(index * 37 % 256)
    case .int32: Double(index * 100_003 - 1_000_000)
    case .int64: Double(index * 7 - 20)
    case .bool: index % 3 == 0 ? 1 : 0
    }
  }

  static let pythonPrelude = #"""
    import sys, numpy as np
    def values(code, shape):
        i = np.arange(int(np.prod(shape)), dtype=np.int64)
        v = {'f4': i * 0.5 - 3.25, 'f8': i * 0.5 - 3.25, 'i1': i * 11 % 256 - 128, 'u1': i * 37 % 256,
             'i4': i * 100003 - 1000000, 'i8': i * 7 - 20, 'b1': i % 3 == 0}[code]
        return np.asarray(v).astype(np.dtype(code)).reshape(shape)

    """#

  /// An array of `type`'s engine element type holding `value(type, index)` at each index.
  static func array(_ type: NumPyDataType, shape: [Int]) throws -> NumPyArray {
    let count = shape.reduce(1, *)
    var bytes: [UInt8] = []
    for index in 0..<count {
      let value = value(type, index)
      switch type.elementType {
      case .float32: withUnsafeBytes(of: Float(value).bitPattern.littleEndian) { bytes += $0 }
      case .int32: withUnsafeBytes(of: Int32(value).littleEndian) { bytes += $0 }
      case .int8: bytes.append(UInt8(bitPattern: Int8(value)))
      case .uint8: bytes.append(UInt8(value))
      }
    }
    return try NumPyArray(shape: shape, elementType: type.elementType, bytes: bytes)
  }

  /// The elements of `array` as doubles, for comparing with expected values.
  static func doubles(_ array: NumPyArray) -> [Double] {
    array.bytes.withUnsafeBytes { raw in
      (0..<array.elementCount).map { index -> Double in
        switch array.elementType {
        case .float32:
          Double(Float(bitPattern: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
        case .int32: Double(raw.loadUnaligned(fromByteOffset: index * 4, as: Int32.self))
        case .int8: Double(Int8(bitPattern: raw[index]))
        case .uint8: Double(raw[index])
        }
      }
    }
  }

  static func path(_ directory: URL, _ name: String) -> String { directory.appendingPathComponent(name).path }

  /// Expects `body` to fail with an error mentioning `text`.
  static func expectError(
    containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
  ) {
    do {
      try body()
      Issue.record("expected an error containing '\(text)'", sourceLocation: sourceLocation)
    } catch let error as NumPyError {
      #expect(
        !error.description.isEmpty && error.description.contains(text), "\(error.description)",
        sourceLocation: sourceLocation)
    } catch {
      Issue.record("expected a NumPyError, not \(error)", sourceLocation: sourceLocation)
    }
  }
}
