import Glibc

/// Element-wise activations with gradients. The gradient at a kink (ReLU at 0, ReLU6 at 0 and
/// 6) is the one-sided value PyTorch uses: 0 at the clipped side.
extension Variable {
  public func relu() -> Variable { clamp(low: 0, high: .infinity) }

  public func relu6() -> Variable { clamp(low: 0, high: 6) }

  /// min(max(x, low), high); the gradient passes only strictly inside (low, high).
  public func clamp(low: Float, high: Float) -> Variable {
    var output = value
    output.withUnsafeMutableBufferPointer { y in
      for index in 0..<y.count { y[index] = Swift.min(Swift.max(y[index], low), high) }
    }
    return Variable(shape: shape, value: output, parents: [self]) { result in
      var dx = self.takeGradient()
      result.gradient.withUnsafeBufferPointer { dy in
        self.value.withUnsafeBufferPointer { x in
          dx.withUnsafeMutableBufferPointer { dx in
            Variable.addInside(low: low, high: high, x: x, dy: dy, into: dx)
          }
        }
      }
      self.restoreGradient(dx)
    }
  }

  /// dx += dy where low < x < high, eight lanes at a time (the masked add does not vectorise
  /// on its own).
  private static func addInside(
    low: Float, high: Float, x: UnsafeBufferPointer<Float>, dy: UnsafeBufferPointer<Float>,
    into dx: UnsafeMutableBufferPointer<Float>
  ) {
    let (xs, dys, dxs) = (
      UnsafeRawPointer(x.baseAddress!), UnsafeRawPointer(dy.baseAddress!),
      UnsafeMutableRawPointer(dx.baseAddress!)
    )
    let (lows, highs) = (SIMD8<Float>(repeating: low), SIMD8<Float>(repeating: high))
    var index = 0
    while index + 8 <= dx.count {
      let offset = index * 4
      let value = xs.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      let gradient = dys.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
      let inside = (value .> lows) .& (value .< highs)
      let sum =
        dxs.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
        + SIMD8<Float>(repeating: 0).replacing(with: gradient, where: inside)
      dxs.storeBytes(of: sum, toByteOffset: offset, as: SIMD8<Float>.self)
      index += 8
    }
    while index < dx.count {
      if x[index] > low && x[index] < high { dx[index] += dy[index] }
      index += 1
    }
  }

  public func leakyRelu(slope: Float = 0.01) -> Variable {
    var output = value
    output.withUnsafeMutableBufferPointer { y in
      for index in 0..<y.count where y[index] < 0 { y[index] *= slope }
    }
    return Variable(shape: shape, value: output, parents: [self]) { result in
      var dx = self.takeGradient()
      result.gradient.withUnsafeBufferPointer { dy in
        self.value.withUnsafeBufferPointer { x in
          dx.withUnsafeMutableBufferPointer { dx in
            for index in 0..<dx.count { dx[index] += x[index] >= 0 ? dy[index] : slope * dy[index] }
          }
        }
      }
      self.restoreGradient(dx)
    }
  }

  public func sigmoid() -> Variable {
    elementwise({ 1 / (1 + Glibc.expf(-$0)) }, derivative: { _, y in y * (1 - y) })
  }

  /// Applies `function` to every value; `derivative(x, y)` is dy/dx at input x and output y.
  func elementwise(_ function: (Float) -> Float, derivative: @escaping (Float, Float) -> Float) -> Variable {
    let output = value.map(function)
    return Variable(shape: shape, value: output, parents: [self]) { result in
      self.withGradient { dx in
        result.gradient.withUnsafeBufferPointer { dy in
          self.value.withUnsafeBufferPointer { x in
            result.value.withUnsafeBufferPointer { y in
              for index in 0..<dx.count { dx[index] += dy[index] * derivative(x[index], y[index]) }
            }
          }
        }
      }
    }
  }
}
