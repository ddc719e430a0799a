/// 2-D convolution with gradients: NCHW input [N, C, H, W], weight [O, C / groups, kh, kw],
/// optional bias [O]. Grouped and dense convolutions go through im2col and OpenBLAS sgemm (the
/// patch matrix is rebuilt in the backward pass rather than kept, to bound memory); depthwise
/// convolutions (one input and one output channel per group) run a direct loop, where a GEMM of
/// one row would be mostly overhead.
extension Variable {
  public func conv2d(weight: Variable, bias: Variable? = nil, _ geometry: ConvolutionGeometry) -> Variable {
    precondition(shape.count == 4 && weight.shape.count == 4, "conv2d takes NCHW input and OIHW weight")
    let problem = ConvolutionShape(input: shape, weight: weight.shape, geometry)
    if let bias {
      precondition(bias.shape == [problem.outputChannels], "bias must be [\(problem.outputChannels)]")
    }
    var output = [Float](repeating: 0, count: problem.outputCount)
    value.withUnsafeBufferPointer { x in
      weight.value.withUnsafeBufferPointer { w in
        output.withUnsafeMutableBufferPointer { y in
          problem.forward(x.baseAddress!, w.baseAddress!, y.baseAddress!)
        }
      }
    }
    if let bias {
      let spatial = problem.outputHeight * problem.outputWidth
      output.withUnsafeMutableBufferPointer { y in
        for image in 0..<problem.batch {
          for channel in 0..<problem.outputChannels {
            let b = bias.value[channel]
            let start = (image * problem.outputChannels + channel) * spatial
            for index in start..<start + spatial { y[index] += b }
          }
        }
      }
    }
    let parents = bias.map { [self, weight, $0] } ?? [self, weight]
    return Variable(shape: problem.outputShape, value: output, parents: parents) { result in
      result.gradient.withUnsafeBufferPointer { dy in
        if let bias, bias.requiresGradient {
          let spatial = problem.outputHeight * problem.outputWidth
          bias.withGradient { db in
            for image in 0..<problem.batch {
              for channel in 0..<problem.outputChannels {
                let start = (image * problem.outputChannels + channel) * spatial
                var sum: Float = 0
                for index in start..<start + spatial { sum += dy[index] }
                db[channel] += sum
              }
            }
          }
        }
        var dxBuffer = self.requiresGradient ? self.takeGradient() : []
        var dwBuffer = weight.requiresGradient ? weight.takeGradient() : []
        self.value.withUnsafeBufferPointer { x in
          weight.value.withUnsafeBufferPointer { w in
            dxBuffer.withUnsafeMutableBufferPointer { dx in
              dwBuffer.withUnsafeMutableBufferPointer { dw in
                problem.backward(
                  x.baseAddress!, w.baseAddress!, dy.baseAddress!, dx: dx.isEmpty ? nil : dx.baseAddress,
                  dw: dw.isEmpty ? nil : dw.baseAddress)
              }
            }
          }
        }
        if self.requiresGradient { self.restoreGradient(dxBuffer) }
        if weight.requiresGradient { weight.restoreGradient(dwBuffer) }
      }
    }
  }
}
