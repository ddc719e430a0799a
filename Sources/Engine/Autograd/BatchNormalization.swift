/// Batch normalisation over the channels of NCHW values, with learnable scale (gamma) and shift
/// (beta) and running statistics for evaluation. Training normalises with the batch's mean and
/// (biased) variance and updates the running mean and unbiased variance by `momentum`, as
/// PyTorch's BatchNorm2d does; evaluation uses the running statistics, which is what folding
/// into the preceding convolution reproduces.
public final class BatchNormalization {
  public let channels: Int
  public let scale: Variable
  public let shift: Variable
  public var runningMean: [Float]
  public var runningVariance: [Float]
  public let momentum: Float
  public let epsilon: Float

  public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
    self.channels = channels
    scale = Variable(shape: [channels], value: [Float](repeating: 1, count: channels), requiresGradient: true)
    shift = Variable(shape: [channels], value: [Float](repeating: 0, count: channels), requiresGradient: true)
    runningMean = [Float](repeating: 0, count: channels)
    runningVariance = [Float](repeating: 1, count: channels)
    self.momentum = momentum
    self.epsilon = epsilon
  }

  /// Per-channel multiplier and offset of evaluation mode: y = x * a + b.
  public var evaluationAffine: (multiplier: [Float], offset: [Float]) {
    var multiplier = [Float](repeating: 0, count: channels)
    var offset = [Float](repeating: 0, count: channels)
    for channel in 0..<channels {
      multiplier[channel] = scale.value[channel] / (runningVariance[channel] + epsilon).squareRoot()
      offset[channel] = shift.value[channel] - runningMean[channel] * multiplier[channel]
    }
    return (multiplier, offset)
  }

  public func callAsFunction(_ x: Variable, training: Bool) -> Variable {
    precondition(
      x.shape.count == 4 && x.shape[1] == channels, "batch norm: input \(x.shape), \(channels) channels")
    let (batch, spatial) = (x.shape[0], x.shape[2] * x.shape[3])
    let perChannel = batch * spatial
    var mean = [Float](repeating: 0, count: channels)
    var inverseDeviation = [Float](repeating: 0, count: channels)
    if training {
      precondition(perChannel > 1, "batch norm: training needs more than one value per channel")
      for channel in 0..<channels {
        var sum: Double = 0, squares: Double = 0
        for image in 0..<batch {
          let start = (image * channels + channel) * spatial
          for index in start..<start + spatial {
            let v = Double(x.value[index])
            sum += v
            squares += v * v
          }
        }
        let m = sum / Double(perChannel)
        let variance = Swift.max(0, squares / Double(perChannel) - m * m)
        mean[channel] = Float(m)
        inverseDeviation[channel] = Float(1 / (variance + Double(epsilon)).squareRoot())
        runningMean[channel] = (1 - momentum) * runningMean[channel] + momentum * Float(m)
        let unbiased = variance * Double(perChannel) / Double(perChannel - 1)
        runningVariance[channel] = (1 - momentum) * runningVariance[channel] + momentum * Float(unbiased)
      }
    } else {
      mean = runningMean
      inverseDeviation = runningVariance.map { 1 / ($0 + epsilon).squareRoot() }
    }
    var normalised = [Float](repeating: 0, count: x.count)
    var output = [Float](repeating: 0, count: x.count)
    for image in 0..<batch {
      for channel in 0..<channels {
        let start = (image * channels + channel) * spatial
        let (m, s) = (mean[channel], inverseDeviation[channel])
        let (gamma, beta) = (scale.value[channel], shift.value[channel])
        for index in start..<start + spatial {
          let n = (x.value[index] - m) * s
          normalised[index] = n
          output[index] = n * gamma + beta
        }
      }
    }
    let scale = self.scale, shift = self.shift, channels = self.channels
    return Variable(shape: x.shape, value: output, parents: [x, scale, shift]) { result in
      let dy = result.gradient
      var dGamma = [Float](repeating: 0, count: channels)
      var dBeta = [Float](repeating: 0, count: channels)
      for image in 0..<batch {
        for channel in 0..<channels {
          let start = (image * channels + channel) * spatial
          var sumDy: Float = 0, sumDyN: Float = 0
          for index in start..<start + spatial {
            sumDy += dy[index]
            sumDyN += dy[index] * normalised[index]
          }
          dBeta[channel] += sumDy
          dGamma[channel] += sumDyN
        }
      }
      if x.requiresGradient {
        x.withGradient { dx in
          for channel in 0..<channels {
            let factor = scale.value[channel] * inverseDeviation[channel]
            if training {
              let meanDy = dBeta[channel] / Float(perChannel)
              let meanDyN = dGamma[channel] / Float(perChannel)
              for image in 0..<batch {
                let start = (image * channels + channel) * spatial
                for index in start..<start + spatial {
                  dx[index] += factor * (dy[index] - meanDy - normalised[index] * meanDyN)
                }
              }
            } else {
              for image in 0..<batch {
                let start = (image * channels + channel) * spatial
                for index in start..<start + spatial { dx[index] += factor * dy[index] }
              }
            }
          }
        }
      }
      if scale.requiresGradient { dGamma.withUnsafeBufferPointer { scale.accumulate($0) } }
      if shift.requiresGradient { dBeta.withUnsafeBufferPointer { shift.accumulate($0) } }
    }
  }
}
