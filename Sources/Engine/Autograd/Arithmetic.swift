/// Sums, products and reductions with gradients.
extension Variable {
  /// self + other, where `other` has the same shape, or is a per-channel bias ([C] or
  /// [1, C, 1, 1]) added to an NCHW tensor.
  public func adding(_ other: Variable) -> Variable {
    if other.shape == shape {
      let output = zip(value, other.value).map { $0 + $1 }
      return Variable(shape: shape, value: output, parents: [self, other]) { result in
        result.gradient.withUnsafeBufferPointer { dy in
          if self.requiresGradient { self.accumulate(dy) }
          if other.requiresGradient { other.accumulate(dy) }
        }
      }
    }
    precondition(
      shape.count == 4 && other.count == shape[1], "add: cannot broadcast \(other.shape) onto \(shape)")
    let (batch, channels, spatial) = (shape[0], shape[1], shape[2] * shape[3])
    var output = value
    for image in 0..<batch {
      for channel in 0..<channels {
        let start = (image * channels + channel) * spatial
        let b = other.value[channel]
        for index in start..<start + spatial { output[index] += b }
      }
    }
    return Variable(shape: shape, value: output, parents: [self, other]) { result in
      result.gradient.withUnsafeBufferPointer { dy in
        if self.requiresGradient { self.accumulate(dy) }
        if other.requiresGradient {
          other.withGradient { db in
            for image in 0..<batch {
              for channel in 0..<channels {
                let start = (image * channels + channel) * spatial
                var sum: Float = 0
                for index in start..<start + spatial { sum += dy[index] }
                db[channel] += sum
              }
            }
          }
        }
      }
    }
  }

  /// Element-wise product of two values of the same shape.
  public func multiplying(_ other: Variable) -> Variable {
    precondition(other.shape == shape, "mul: shapes \(shape) and \(other.shape) differ")
    let output = zip(value, other.value).map { $0 * $1 }
    return Variable(shape: shape, value: output, parents: [self, other]) { result in
      if self.requiresGradient {
        self.withGradient { dx in
          for index in 0..<dx.count { dx[index] += result.gradient[index] * other.value[index] }
        }
      }
      if other.requiresGradient {
        other.withGradient { dx in
          for index in 0..<dx.count { dx[index] += result.gradient[index] * self.value[index] }
        }
      }
    }
  }

  /// self * factor.
  public func scaled(by factor: Float) -> Variable {
    Variable(shape: shape, value: value.map { $0 * factor }, parents: [self]) { result in
      self.withGradient { dx in
        for index in 0..<dx.count { dx[index] += result.gradient[index] * factor }
      }
    }
  }

  /// The sum of all values, as a scalar [1].
  public func sum() -> Variable {
    var total: Double = 0
    for element in value { total += Double(element) }
    return Variable(shape: [1], value: [Float(total)], parents: [self]) { result in
      let g = result.gradient[0]
      self.withGradient { dx in
        for index in 0..<dx.count { dx[index] += g }
      }
    }
  }
}
