import Glibc

/// Vectorised float math for kernel inner loops (Softmax, fused Sigmoid/SiLU): eight lanes at a
/// time with SIMD8, which the compiler maps to whatever vector width the target has.
enum VectorMath {
  /// e^x to about 2 ulp (Cephes' expf polynomial). Inputs are clamped to [-87.3, 88]: below, the
  /// result is the smallest normal float rather than a denormal or 0; NaN stays NaN. Only
  /// bitwise integer operations convert the exponent, so no lane can trap.
  @inline(__always)
  static func exp(_ input: SIMD8<Float>) -> SIMD8<Float> {
    let isNaN = input .!= input
    var x = input.replacing(with: 0, where: isNaN)
    x = max(x, SIMD8(repeating: -87.33654))
    x = min(x, SIMD8(repeating: 88))
    // n = round(x / ln 2), by adding 1.5 * 2^23: the sum's low mantissa bits hold n.
    let magic = SIMD8<Float>(repeating: 12_582_912)
    let shifted = x * 1.442_695_04 + magic
    let n = shifted - magic
    let exponent = unsafeBitCast(shifted, to: SIMD8<Int32>.self) &- 0x4B40_0000
    // r = x - n ln 2, with ln 2 split in two for accuracy.
    let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
    var p = SIMD8<Float>(repeating: 1.987_569_15e-4)
    p = p * r + 1.398_199_95e-3
    p = p * r + 8.333_451_9e-3
    p = p * r + 4.166_579_6e-2
    p = p * r + 0.166_666_65
    p = p * r + 0.500_000_01
    p = p * r * r + r + 1
    let scale = unsafeBitCast((exponent &+ 127) &<< 23, to: SIMD8<Float>.self)
    return (p * scale).replacing(with: .nan, where: isNaN)
  }

  /// Lane-wise maximum and minimum (the standard library's pointwiseMax/Min are not inlined).
  @inline(__always)
  static func max(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: b .> a)
  }

  @inline(__always)
  static func min(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
    a.replacing(with: b, where: b .< a)
  }

  @inline(__always)
  static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
  }

  @inline(__always)
  static func store(_ value: SIMD8<Float>, _ pointer: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: SIMD8<Float>.self)
  }

  /// Applies `vector` to each full group of eight values and `scalar` to the rest, in place.
  @inline(__always)
  static func map(
    _ values: UnsafeMutablePointer<Float>, count: Int, _ vector: (SIMD8<Float>) -> SIMD8<Float>,
    _ scalar: (Float) -> Float
  ) {
    var index = 0
    while index + 8 <= count {
      store(vector(load(values + index)), values + index)
      index += 8
    }
    while index < count {
      values[index] = scalar(values[index])
      index += 1
    }
  }
}
