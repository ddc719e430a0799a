/// Pooling and resampling with gradients: max pool, global average pool, nearest 2x upsample.
extension Variable {
  /// Max pooling over kernel x kernel windows (padding counts as minus infinity); the gradient
  /// goes to the first maximum of each window.
  public func maxPool(kernel: Int, _ geometry: ConvolutionGeometry) -> Variable {
    precondition(shape.count == 4 && geometry.groups == 1)
    let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
    let (outputHeight, outputWidth) = geometry.output(
      height: height, width: width, kernelHeight: kernel, kernelWidth: kernel)
    precondition(outputHeight >= 1 && outputWidth >= 1, "maxPool: input \(shape) is smaller than the window")
    let planes = batch * channels
    var output = [Float](repeating: 0, count: planes * outputHeight * outputWidth)
    var argmax = [Int](repeating: -1, count: output.count)
    for plane in 0..<planes {
      for oy in 0..<outputHeight {
        for ox in 0..<outputWidth {
          var best = -Float.infinity
          var at = -1
          for ky in 0..<kernel {
            let iy = oy * geometry.strideY - geometry.padY + ky * geometry.dilationY
            guard iy >= 0 && iy < height else { continue }
            for kx in 0..<kernel {
              let ix = ox * geometry.strideX - geometry.padX + kx * geometry.dilationX
              guard ix >= 0 && ix < width else { continue }
              let index = (plane * height + iy) * width + ix
              if value[index] > best || at < 0 {
                best = value[index]
                at = index
              }
            }
          }
          let index = (plane * outputHeight + oy) * outputWidth + ox
          output[index] = best
          argmax[index] = at
        }
      }
    }
    return Variable(shape: [batch, channels, outputHeight, outputWidth], value: output, parents: [self]) {
      result in
      self.withGradient { dx in
        for (index, source) in argmax.enumerated() where source >= 0 { dx[source] += result.gradient[index] }
      }
    }
  }

  /// The mean of each channel plane: [N, C, H, W] to [N, C, 1, 1].
  public func globalAveragePool() -> Variable {
    precondition(shape.count == 4)
    let planes = shape[0] * shape[1]
    let spatial = shape[2] * shape[3]
    var output = [Float](repeating: 0, count: planes)
    for plane in 0..<planes {
      var sum: Float = 0
      for index in plane * spatial..<(plane + 1) * spatial { sum += value[index] }
      output[plane] = sum / Float(spatial)
    }
    return Variable(shape: [shape[0], shape[1], 1, 1], value: output, parents: [self]) { result in
      self.withGradient { dx in
        for plane in 0..<planes {
          let g = result.gradient[plane] / Float(spatial)
          for index in plane * spatial..<(plane + 1) * spatial { dx[index] += g }
        }
      }
    }
  }

  /// Nearest-neighbour 2x upsampling: output (y, x) reads input (y / 2, x / 2).
  public func upsampleNearest2x() -> Variable {
    precondition(shape.count == 4)
    let (planes, height, width) = (shape[0] * shape[1], shape[2], shape[3])
    var output = [Float](repeating: 0, count: planes * height * width * 4)
    for plane in 0..<planes {
      for oy in 0..<2 * height {
        for ox in 0..<2 * width {
          output[(plane * 2 * height + oy) * 2 * width + ox] =
            value[(plane * height + oy / 2) * width + ox / 2]
        }
      }
    }
    return Variable(shape: [shape[0], shape[1], 2 * height, 2 * width], value: output, parents: [self]) {
      result in
      self.withGradient { dx in
        for plane in 0..<planes {
          for oy in 0..<2 * height {
            for ox in 0..<2 * width {
              dx[(plane * height + oy / 2) * width + ox / 2] +=
                result.gradient[(plane * 2 * height + oy) * 2 * width + ox]
            }
          }
        }
      }
    }
  }
}
