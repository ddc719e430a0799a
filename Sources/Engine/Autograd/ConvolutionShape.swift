/// The sizes of one convolution and its forward and backward passes over raw buffers.
struct ConvolutionShape: Sendable {
  let batch: Int, channels: Int, height: Int, width: Int
  let outputChannels: Int, kernelHeight: Int, kernelWidth: Int
  let outputHeight: Int, outputWidth: Int
  let geometry: ConvolutionGeometry

  var groups: Int { geometry.groups }
  var channelsPerGroup: Int { channels / groups }
  var outputsPerGroup: Int { outputChannels / groups }
  var patch: Int { channelsPerGroup * kernelHeight * kernelWidth }
  var outputShape: [Int] { [batch, outputChannels, outputHeight, outputWidth] }
  var outputCount: Int { batch * outputChannels * outputHeight * outputWidth }
  var isDepthwise: Bool { channelsPerGroup == 1 && outputsPerGroup == 1 && groups > 1 }

  init(input: [Int], weight: [Int], _ geometry: ConvolutionGeometry) {
    batch = input[0]
    channels = input[1]
    height = input[2]
    width = input[3]
    outputChannels = weight[0]
    kernelHeight = weight[2]
    kernelWidth = weight[3]
    self.geometry = geometry
    precondition(
      channels % geometry.groups == 0 && outputChannels % geometry.groups == 0
        && weight[1] == channels / geometry.groups,
      "conv2d: weight \(weight) does not fit input \(input) with \(geometry.groups) groups")
    (outputHeight, outputWidth) = geometry.output(
      height: height, width: width, kernelHeight: kernelHeight, kernelWidth: kernelWidth)
    precondition(outputHeight >= 1 && outputWidth >= 1, "conv2d: input \(input) is smaller than the kernel")
  }

  func forward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
    // OpenBLAS single-threaded from the first use: its threaded sgemm may sum in another order,
    // and training must repeat bit for bit (parallelism comes from AutogradThreads instead).
    BLAS.configure()
    if isDepthwise {
      depthwise(x, w, y: y, dy: nil, dx: nil, dw: nil)
      return
    }
    let spatial = outputHeight * outputWidth
    AutogradThreads.parallelFor(batch) { image in
      let columns = UnsafeMutablePointer<Float>.allocate(capacity: patch * spatial)
      defer { columns.deallocate() }
      for group in 0..<groups {
        let input = x + (image * channels + group * channelsPerGroup) * height * width
        im2col(input, columns)
        BLAS.sgemm(
          m: outputsPerGroup, n: spatial, k: patch, a: w + group * outputsPerGroup * patch, lda: patch,
          b: columns, ldb: spatial, beta: 0,
          c: y + (image * outputChannels + group * outputsPerGroup) * spatial, ldc: spatial)
      }
    }
  }

  /// Adds d(loss)/dx into `dx` and d(loss)/dw into `dw` (either may be nil) from `dy`.
  func backward(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ dy: UnsafePointer<Float>,
    dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?
  ) {
    guard dx != nil || dw != nil else { return }
    BLAS.configure()
    if isDepthwise {
      depthwise(x, w, y: nil, dy: dy, dx: dx, dw: dw)
      return
    }
    let spatial = outputHeight * outputWidth
    let weightCount = outputChannels * patch
    // Each image's weight gradient goes to its own buffer; they are added in image order after,
    // so the sum does not depend on how images were spread over threads.
    let partials = UnsafeMutablePointer<Float>.allocate(capacity: dw == nil ? 1 : batch * weightCount)
    if dw != nil { partials.initialize(repeating: 0, count: batch * weightCount) }
    defer { partials.deallocate() }
    AutogradThreads.parallelFor(batch) { image in
      let columns = UnsafeMutablePointer<Float>.allocate(capacity: patch * spatial)
      defer { columns.deallocate() }
      for group in 0..<groups {
        let input = x + (image * channels + group * channelsPerGroup) * height * width
        let gradient = dy + (image * outputChannels + group * outputsPerGroup) * spatial
        let weights = w + group * outputsPerGroup * patch
        if dw != nil {
          im2col(input, columns)
          BLAS.sgemm(
            transB: true, m: outputsPerGroup, n: patch, k: spatial, a: gradient, lda: spatial, b: columns,
            ldb: spatial, beta: 0, c: partials + image * weightCount + group * outputsPerGroup * patch,
            ldc: patch)
        }
        if let dx {
          BLAS.sgemm(
            transA: true, m: patch, n: spatial, k: outputsPerGroup, a: weights, lda: patch, b: gradient,
            ldb: spatial, beta: 0, c: columns, ldc: spatial)
          col2im(columns, dx + (image * channels + group * channelsPerGroup) * height * width)
        }
      }
    }
    if let dw {
      for image in 0..<batch {
        let partial = partials + image * weightCount
        for index in 0..<weightCount { dw[index] += partial[index] }
      }
    }
  }

  /// Writes the patch matrix [channelsPerGroup * kh * kw][outputHeight * outputWidth].
  private func im2col(_ input: UnsafePointer<Float>, _ columns: UnsafeMutablePointer<Float>) {
    let g = geometry
    for channel in 0..<channelsPerGroup {
      let plane = input + channel * height * width
      for ky in 0..<kernelHeight {
        for kx in 0..<kernelWidth {
          let row = columns + ((channel * kernelHeight + ky) * kernelWidth + kx) * outputHeight * outputWidth
          let valid = g.validColumns(tap: kx, width: width, outputWidth: outputWidth)
          let offset = kx * g.dilationX - g.padX
          for oy in 0..<outputHeight {
            let target = row + oy * outputWidth
            let iy = oy * g.strideY - g.padY + ky * g.dilationY
            guard iy >= 0 && iy < height && !valid.isEmpty else {
              target.update(repeating: 0, count: outputWidth)
              continue
            }
            let line = plane + iy * width + offset
            for ox in 0..<valid.lowerBound { target[ox] = 0 }
            if g.strideX == 1 {
              (target + valid.lowerBound).update(from: line + valid.lowerBound, count: valid.count)
            } else {
              for ox in valid { target[ox] = line[ox * g.strideX] }
            }
            for ox in valid.upperBound..<outputWidth { target[ox] = 0 }
          }
        }
      }
    }
  }

  /// Adds the patch matrix's values back onto the input positions they came from.
  private func col2im(_ columns: UnsafePointer<Float>, _ input: UnsafeMutablePointer<Float>) {
    let g = geometry
    for channel in 0..<channelsPerGroup {
      let plane = input + channel * height * width
      for ky in 0..<kernelHeight {
        for kx in 0..<kernelWidth {
          let row = columns + ((channel * kernelHeight + ky) * kernelWidth + kx) * outputHeight * outputWidth
          let valid = g.validColumns(tap: kx, width: width, outputWidth: outputWidth)
          let offset = kx * g.dilationX - g.padX
          for oy in 0..<outputHeight {
            let iy = oy * g.strideY - g.padY + ky * g.dilationY
            guard iy >= 0 && iy < height else { continue }
            let source = row + oy * outputWidth
            let line = plane + iy * width + offset
            for ox in valid { line[ox * g.strideX] += source[ox] }
          }
        }
      }
    }
  }

  /// Depthwise convolution, direct: the forward pass when `y` is given, else the backward pass
  /// from `dy` into `dx` and `dw`. Each plane is visited row by row and tap by tap, so the inner
  /// loop runs along an output row (contiguous in the output; contiguous in the input at stride 1).
  private func depthwise(
    _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>?,
    dy: UnsafePointer<Float>?, dx: UnsafeMutablePointer<Float>?, dw: UnsafeMutablePointer<Float>?
  ) {
    let g = geometry
    let valid = (0..<kernelWidth).map { g.validColumns(tap: $0, width: width, outputWidth: outputWidth) }
    let taps = kernelHeight * kernelWidth
    let strideX = g.strideX
    let tasks = Swift.min(channels, 8)
    // By channel: a channel's weight gradient sums over images, so one task owns it (in image
    // order, whatever the thread count).
    AutogradThreads.parallelFor(tasks) { task in
      for channel in stride(from: task, to: channels, by: tasks) {
        for image in 0..<batch {
          let plane = image * channels + channel
          let input = x + plane * height * width
          let weights = w + channel * taps
          let outputPlane = plane * outputHeight * outputWidth
          for oy in 0..<outputHeight {
            for ky in 0..<kernelHeight {
              let iy = oy * g.strideY - g.padY + ky * g.dilationY
              guard iy >= 0 && iy < height else { continue }
              for kx in 0..<kernelWidth {
                let range = valid[kx]
                guard !range.isEmpty else { continue }
                let offset = iy * width + kx * g.dilationX - g.padX
                let tap = ky * kernelWidth + kx
                let line = input + offset
                let (low, count) = (range.lowerBound, range.count)
                if let y {
                  let out = y + outputPlane + oy * outputWidth + low
                  let weight = weights[tap]
                  if strideX == 1 {
                    let source = line + low
                    for index in 0..<count { out[index] += weight * source[index] }
                  } else {
                    let source = line + low * strideX
                    for index in 0..<count { out[index] += weight * source[index * strideX] }
                  }
                } else if let dy {
                  let gradient = dy + outputPlane + oy * outputWidth + low
                  if let dx {
                    let weight = weights[tap]
                    let target = dx + plane * height * width + offset + low * strideX
                    if strideX == 1 {
                      for index in 0..<count { target[index] += weight * gradient[index] }
                    } else {
                      for index in 0..<count { target[index * strideX] += weight * gradient[index] }
                    }
                  }
                  if let dw {
                    dw[channel * taps + tap] += Self.dot(
                      gradient, line + low * strideX, count: count, stride: strideX)
                  }
                }
              }
            }
          }
        }
      }
    }
  }

  /// sum(a[i] * b[i * stride]) over `count` values, in eight lanes so that it vectorises.
  @inline(__always)
  private static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, stride: Int)
    -> Float
  {
    var lanes = SIMD8<Float>()
    var index = 0
    if stride == 1 {
      while index + 8 <= count {
        lanes +=
          UnsafeRawPointer(a + index).loadUnaligned(as: SIMD8<Float>.self)
          * UnsafeRawPointer(b + index).loadUnaligned(as: SIMD8<Float>.self)
        index += 8
      }
    }
    var sum = lanes.sum()
    while index < count {
      sum += a[index] * b[index * stride]
      index += 1
    }
    return sum
  }
}
