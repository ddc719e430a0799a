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
            for index in 0..<dx.count { dx[index] += x[index] > low && x[index] < high ? dy[index] : 0 }
          }
        }
      }
      self.restoreGradient(dx)
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
