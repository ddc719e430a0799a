import Glibc

/// Float32 Conv (ONNX): 1-D and 2-D, groups (including depthwise), strides, pads, auto_pad,
/// dilations, optional bias, and an optional fused activation.
///
/// Paths: a 1x1 stride-1 unpadded conv is one sgemm per image, group and tile of output columns
/// straight on the input; a depthwise conv (one input channel per group) is a direct kernel
/// (3x3 stride 1 and 2 specialised); every other conv is im2col over tiles of output positions
/// (bounded scratch per lane) followed by sgemm. Tasks are spread over the thread pool; OpenBLAS
/// runs single-threaded.
///
/// Fused activation (set by the importer when it folds Conv + activation): string attribute
/// `activation` = Relu, Clip (`activation_min`, `activation_max`), LeakyRelu
/// (`activation_alpha`), HardSwish, SiLU, Sigmoid, Tanh or HardSigmoid (`activation_alpha`,
/// `activation_beta`).
enum Convolution {
  static let definitions: [String: OperatorDefinition] = [
    "Conv": OperatorDefinition(
      infer: { node, inputs, _ throws(GraphError) in
        let problem = try ConvolutionProblem(node, inputs)
        return [TensorInfo(name: node.outputs.first ?? "", elementType: .float32, shape: problem.outputShape)]
      },
      build: { node, inputs, outputs, _ throws(GraphError) in
        BLAS.configure()
        let problem = try ConvolutionProblem(node, inputs.map { $0?.info })
        // The smallest im2col tile is 16 output positions; refuse patches whose scratch would be absurd.
        guard problem.patch <= ConvolutionKernel.maximumPatch else {
          throw GraphError(
            "node \(node.name) (Conv) has a patch of \(problem.patch) values per output; the limit is \(ConvolutionKernel.maximumPatch)"
          )
        }
        return ConvolutionKernel(
          problem, x: try OperatorSupport.view(node, inputs, 0), w: try OperatorSupport.view(node, inputs, 1),
          bias: inputs.count > 2 ? inputs[2] : nil, y: outputs[0])
      })
  ]

  /// The fused activation named by the node's `activation` attribute, if any.
  static func activation(_ node: Node) throws(GraphError) -> ElementwiseUnary.Function? {
    guard let attribute = node.attributes["activation"] else { return nil }
    guard let name = attribute.stringValue else {
      throw GraphError("node \(node.name) (\(node.op)) has a non-string activation attribute")
    }
    switch name {
    case "", "Identity": return nil
    case "Relu": return .relu
    case "Clip":
      return .clip(
        node.float("activation_min", default: -.infinity), node.float("activation_max", default: .infinity))
    case "LeakyRelu": return .leakyRelu(node.float("activation_alpha", default: 0.01))
    case "HardSwish": return .hardSwish
    case "SiLU": return .silu
    case "Sigmoid": return .sigmoid
    case "Tanh": return .tanh
    case "HardSigmoid":
      return .hardSigmoid(
        alpha: node.float("activation_alpha", default: 0.2), beta: node.float("activation_beta", default: 0.5)
      )
    default:
      throw GraphError(
        "node \(node.name) (\(node.op)) has unsupported fused activation \"\(name)\" (Relu, Clip, LeakyRelu, HardSwish, SiLU, Sigmoid, Tanh, HardSigmoid)"
      )
    }
  }
}

/// Adds a bias and applies an optional activation over `count` contiguous values, in place.
enum FusedActivation {
  @inline(__always)
  static func apply(
    _ activation: ElementwiseUnary.Function?, _ values: UnsafeMutablePointer<Float>, count: Int, bias: Float
  ) {
    switch activation {
    case nil:
      if bias != 0 { for index in 0..<count { values[index] += bias } }
    case .relu?:
      for index in 0..<count { values[index] = Swift.max(values[index] + bias, 0) }
    case .clip(let low, let high)?:
      for index in 0..<count { values[index] = Swift.min(Swift.max(values[index] + bias, low), high) }
    case .leakyRelu(let alpha)?:
      for index in 0..<count {
        let value = values[index] + bias
        values[index] = value >= 0 ? value : alpha * value
      }
    case .hardSwish?:
      for index in 0..<count {
        let value = values[index] + bias
        values[index] = value * Swift.max(0, Swift.min(1, value * (1 / 6) + 0.5))
      }
    case .sigmoid?:
      VectorMath.map(
        values, count: count, { x in 1 / (1 + VectorMath.exp(-(x + bias))) },
        { x in 1 / (1 + Glibc.expf(-(x + bias))) })
    case .silu?:
      VectorMath.map(
        values, count: count,
        { x in
          let v = x + bias; return v / (1 + VectorMath.exp(-v))
        },
        { x in
          let v = x + bias; return v / (1 + Glibc.expf(-v))
        })
    case .some(let function):
      for index in 0..<count { values[index] = function.apply(values[index] + bias) }
    }
  }
}

/// A checked convolution, with 1-D geometry expressed as 2-D (height 1).
struct ConvolutionProblem: Sendable {
  var batch: Int, channels: Int, outputChannels: Int, group: Int
  var height: Int, width: Int
  var kernelHeight: Int, kernelWidth: Int
  var strideY: Int, strideX: Int, dilationY: Int, dilationX: Int
  var padTop: Int, padLeft: Int
  var outputHeight: Int, outputWidth: Int
  var outputShape: [Int]
  var hasBias: Bool
  var activation: ElementwiseUnary.Function?

  var channelsPerGroup: Int { channels / group }
  var outputsPerGroup: Int { outputChannels / group }
  var patch: Int { channelsPerGroup * kernelHeight * kernelWidth }

  init(_ node: Node, _ inputs: [TensorInfo?]) throws(GraphError) {
    let what = "node \(node.name) (Conv)"
    let x = try OperatorSupport.floatInput(node, inputs, 0)
    let w = try OperatorSupport.floatInput(node, inputs, 1)
    guard x.shape.count == 3 || x.shape.count == 4 else {
      throw GraphError("\(what) supports 1-D and 2-D convolution (input rank 3 or 4), not input \(x.shape)")
    }
    guard w.shape.count == x.shape.count else {
      throw GraphError("\(what): weight \(w.shape) and input \(x.shape) differ in rank")
    }
    let group = node.int("group", default: 1)
    batch = x.shape[0]
    channels = x.shape[1]
    outputChannels = w.shape[0]
    guard group >= 1, channels % group == 0, outputChannels % group == 0, outputChannels >= 1 else {
      throw GraphError(
        "\(what): group \(group) does not divide input channels \(channels) and output channels \(outputChannels)"
      )
    }
    self.group = group
    guard w.shape[1] == channels / group else {
      throw GraphError(
        "\(what): weight \(w.shape) needs \(channels / group) input channels per group (input \(x.shape), group \(group))"
      )
    }
    let kernel = Array(w.shape[2...])
    if let declared = node.ints("kernel_shape"), declared != kernel {
      throw GraphError("\(what): kernel_shape \(declared) does not match weight \(w.shape)")
    }
    let geometry = try WindowGeometry.resolve(node, input: Array(x.shape[2...]), kernel: kernel).planar
    height = geometry.input[0]
    width = geometry.input[1]
    kernelHeight = geometry.kernel[0]
    kernelWidth = geometry.kernel[1]
    strideY = geometry.strides[0]
    strideX = geometry.strides[1]
    dilationY = geometry.dilations[0]
    dilationX = geometry.dilations[1]
    padTop = geometry.padBegin[0]
    padLeft = geometry.padBegin[1]
    outputHeight = geometry.output[0]
    outputWidth = geometry.output[1]
    outputShape =
      [batch, outputChannels] + (x.shape.count == 3 ? [outputWidth] : [outputHeight, outputWidth])
    if inputs.count > 2, inputs[2] != nil {
      let bias = try OperatorSupport.floatInput(node, inputs, 2)
      guard bias.shape == [outputChannels] else {
        throw GraphError("\(what): bias \(bias.shape) must be [\(outputChannels)]")
      }
      hasBias = true
    } else {
      hasBias = false
    }
    activation = try Convolution.activation(node)
  }
}

final class ConvolutionKernel: Kernel {
  enum Path { case pointwise, im2col, depthwise }

  let p: ConvolutionProblem
  let x: TensorView, w: TensorView, bias: TensorView?, y: TensorView
  let path: Path
  /// Output positions per task (pointwise, im2col) or output rows per task (depthwise).
  let columnTile: Int, columnTiles: Int
  /// Output channels per task within a group.
  let channelTile: Int, channelTiles: Int
  let tasks: Int
  let scratch: LaneScratch?
  /// A row of zeros standing for padding rows in the depthwise kernel.
  let zeroRow: UnsafeMutablePointer<Float>
  /// Per horizontal kernel tap: the output columns whose input column is inside the input.
  let validColumns: [Range<Int>]
  let counter = TaskCounter()

  /// Scratch budget per lane for im2col, in floats (2 MiB).
  static let im2colBudget = 524_288
  /// The largest patch (input channels per group x kernel area): 16 columns of it are 64 MiB.
  static let maximumPatch = 1 << 20

  init(_ p: ConvolutionProblem, x: TensorView, w: TensorView, bias: TensorView?, y: TensorView) {
    self.p = p
    self.x = x
    self.w = w
    self.bias = p.hasBias ? bias : nil
    self.y = y
    let spatial = p.outputHeight * p.outputWidth
    let lanes = LaneScratch.maximumLanes
    let flops = 2.0 * Double(p.batch) * Double(p.outputChannels) * Double(p.patch) * Double(spatial)
    let pointwise =
      p.kernelHeight == 1 && p.kernelWidth == 1 && p.strideY == 1 && p.strideX == 1
      && p.padTop == 0 && p.padLeft == 0 && p.outputHeight == p.height && p.outputWidth == p.width
    if p.channelsPerGroup == 1 && p.group > 1 {
      path = .depthwise
      let planes = p.batch * p.outputChannels
      var rowTile = p.outputHeight
      if planes < 2 * lanes && flops > 1e6 {
        let split = (2 * lanes + planes - 1) / planes
        rowTile = Swift.max(1, (p.outputHeight + split - 1) / split)
      }
      columnTile = rowTile
      columnTiles = (p.outputHeight + rowTile - 1) / rowTile
      channelTile = 1
      channelTiles = 1
      tasks = planes * columnTiles
      scratch = nil
    } else {
      path = pointwise ? .pointwise : .im2col
      let preferred =
        pointwise
        ? 131_072 / Swift.max(1, p.patch + p.outputsPerGroup)
        : ConvolutionKernel.im2colBudget / Swift.max(1, p.patch)
      var tile = Swift.min(spatial, Swift.max(pointwise ? 64 : 16, preferred / 16 * 16))
      let base = p.batch * p.group
      if flops > 4e6 && base * ((spatial + tile - 1) / tile) < 2 * lanes {
        let split = (2 * lanes + base - 1) / base
        tile = Swift.min(spatial, Swift.max(16, ((spatial + split - 1) / split + 15) / 16 * 16))
      }
      columnTile = Swift.max(1, tile)
      columnTiles = (spatial + columnTile - 1) / columnTile
      var channels = p.outputsPerGroup
      if flops > 4e6 && base * columnTiles < lanes && p.outputsPerGroup >= 16 {
        let split = (2 * lanes + base * columnTiles - 1) / (base * columnTiles)
        channels = Swift.min(p.outputsPerGroup, ((p.outputsPerGroup + split - 1) / split + 7) / 8 * 8)
      }
      channelTile = channels
      channelTiles = (p.outputsPerGroup + channels - 1) / channels
      tasks = base * columnTiles * channelTiles
      scratch = pointwise ? nil : LaneScratch(floatsPerLane: p.patch * columnTile)
    }
    let zeros = Swift.max(p.width, 1) + 16
    zeroRow = UnsafeMutableRawPointer.allocate(byteCount: zeros * 4, alignment: 64)
      .initializeMemory(as: Float.self, repeating: 0, count: zeros)
    validColumns = (0..<p.kernelWidth).map {
      WindowGeometry.validOutputs(
        tap: $0, stride: p.strideX, dilation: p.dilationX, pad: p.padLeft, input: p.width,
        output: p.outputWidth)
    }
  }

  deinit { zeroRow.deallocate() }

  func run(_ context: borrowing ExecutionContext) {
    guard tasks > 0 else { return }
    switch path {
    case .depthwise:
      context.threads.forEachTask(tasks, counter: counter) { task, _ in depthwise(task) }
    case .pointwise, .im2col:
      context.threads.forEachTask(tasks, counter: counter) { task, lane in gemm(task, lane) }
    }
  }

  // MARK: GEMM paths

  private func gemm(_ task: Int, _ lane: Int) {
    let spatial = p.outputHeight * p.outputWidth
    var rest = task
    let channelBlock = rest % channelTiles
    rest /= channelTiles
    let columnBlock = rest % columnTiles
    rest /= columnTiles
    let group = rest % p.group
    let image = rest / p.group
    let start = columnBlock * columnTile
    let count = Swift.min(columnTile, spatial - start)
    let firstChannel = channelBlock * channelTile
    let channels = Swift.min(channelTile, p.outputsPerGroup - firstChannel)
    let outputChannel = group * p.outputsPerGroup + firstChannel
    let target = y.floats() + (image * p.outputChannels + outputChannel) * spatial + start
    let weights = w.floats() + outputChannel * p.patch
    let inputGroup = x.floats() + (image * p.channels + group * p.channelsPerGroup) * p.height * p.width
    if p.patch == 0 {
      for row in 0..<channels { (target + row * spatial).update(repeating: 0, count: count) }
    } else if path == .pointwise {
      BLAS.sgemm(
        m: channels, n: count, k: p.patch, a: weights, lda: p.patch, b: inputGroup + start, ldb: spatial,
        beta: 0, c: target, ldc: spatial)
    } else {
      let columns = scratch!.buffer(lane)
      im2col(inputGroup, start: start, count: count, into: columns)
      BLAS.sgemm(
        m: channels, n: count, k: p.patch, a: weights, lda: p.patch, b: columns, ldb: count,
        beta: 0, c: target, ldc: spatial)
    }
    let biasData = bias?.floats()
    let activation = p.activation
    if biasData != nil || activation != nil {
      for row in 0..<channels {
        FusedActivation.apply(
          activation, target + row * spatial, count: count, bias: biasData?[outputChannel + row] ?? 0)
      }
    }
  }

  /// Writes the patch matrix [channelsPerGroup * kh * kw][count] of output positions
  /// `start..<start+count` (row-major over the output plane).
  private func im2col(
    _ input: UnsafeMutablePointer<Float>, start: Int, count: Int, into columns: UnsafeMutablePointer<Float>
  ) {
    let plane = p.height * p.width
    let outputWidth = p.outputWidth, strideX = p.strideX
    for channel in 0..<p.channelsPerGroup {
      let source = input + channel * plane
      for ky in 0..<p.kernelHeight {
        for kx in 0..<p.kernelWidth {
          let row = columns + ((channel * p.kernelHeight + ky) * p.kernelWidth + kx) * count
          let valid = validColumns[kx]
          let offset = kx * p.dilationX - p.padLeft
          var position = start
          let end = start + count
          while position < end {
            let oy = position / outputWidth
            let firstX = position - oy * outputWidth
            let lastX = Swift.min(outputWidth, firstX + (end - position))
            let target = row + (position - start) - firstX
            let iy = oy * p.strideY - p.padTop + ky * p.dilationY
            if iy < 0 || iy >= p.height || valid.isEmpty {
              (target + firstX).update(repeating: 0, count: lastX - firstX)
            } else {
              let low = Swift.min(Swift.max(firstX, valid.lowerBound), lastX)
              let high = Swift.max(Swift.min(lastX, valid.upperBound), low)
              if low > firstX { (target + firstX).update(repeating: 0, count: low - firstX) }
              let line = source + iy * p.width + offset
              if strideX == 1 {
                (target + low).update(from: line + low, count: high - low)
              } else {
                for ox in low..<high { target[ox] = line[ox * strideX] }
              }
              if lastX > high { (target + high).update(repeating: 0, count: lastX - high) }
            }
            position += lastX - firstX
          }
        }
      }
    }
  }

  // MARK: Depthwise

  private func depthwise(_ task: Int) {
    let rowBlock = task % columnTiles
    let plane = task / columnTiles
    let image = plane / p.outputChannels
    let channel = plane % p.outputChannels
    let inputChannel = channel / p.outputsPerGroup
    let input = x.floats() + (image * p.channels + inputChannel) * p.height * p.width
    let output = y.floats() + plane * p.outputHeight * p.outputWidth
    let weights = w.floats() + channel * p.kernelHeight * p.kernelWidth
    let biasValue = bias?.floats()[channel] ?? 0
    let rows = rowBlock * columnTile..<Swift.min((rowBlock + 1) * columnTile, p.outputHeight)
    if p.kernelHeight == 3 && p.kernelWidth == 3 && p.dilationY == 1 && p.dilationX == 1
      && p.strideY == p.strideX && (p.strideX == 1 || p.strideX == 2)
    {
      if p.strideX == 1 {
        depthwise3x3(input, output, weights, biasValue, rows, stride: 1)
      } else {
        depthwise3x3(input, output, weights, biasValue, rows, stride: 2)
      }
    } else {
      depthwiseGeneral(input, output, weights, biasValue, rows)
    }
  }

  @inline(__always)
  private func depthwise3x3(
    _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    _ weights: UnsafeMutablePointer<Float>,
    _ biasValue: Float, _ rows: Range<Int>, stride: Int
  ) {
    let width = p.width, outputWidth = p.outputWidth, padLeft = p.padLeft
    let w0 = weights[0], w1 = weights[1], w2 = weights[2]
    let w3 = weights[3], w4 = weights[4], w5 = weights[5]
    let w6 = weights[6], w7 = weights[7], w8 = weights[8]
    // Output columns whose three input columns are all inside the row.
    let interiorLow = Swift.min(outputWidth, (padLeft + stride - 1) / stride)
    let interiorHigh =
      width - 3 + padLeft >= 0 ? Swift.min(outputWidth, (width - 3 + padLeft) / stride + 1) : 0
    let high = Swift.max(interiorLow, interiorHigh)
    for oy in rows {
      let iy = oy * stride - p.padTop
      let r0 = iy >= 0 && iy < p.height ? UnsafePointer(input + iy * width) : UnsafePointer(zeroRow)
      let r1 =
        iy + 1 >= 0 && iy + 1 < p.height ? UnsafePointer(input + (iy + 1) * width) : UnsafePointer(zeroRow)
      let r2 =
        iy + 2 >= 0 && iy + 2 < p.height ? UnsafePointer(input + (iy + 2) * width) : UnsafePointer(zeroRow)
      let out = output + oy * outputWidth
      @inline(__always) func edge(_ ox: Int) {
        let ix = ox * stride - padLeft
        var sum = biasValue
        for kx in 0..<3 where ix + kx >= 0 && ix + kx < width {
          sum += weights[kx] * r0[ix + kx] + weights[3 + kx] * r1[ix + kx] + weights[6 + kx] * r2[ix + kx]
        }
        out[ox] = sum
      }
      for ox in 0..<interiorLow { edge(ox) }
      // Shifted row pointers keep index arithmetic free of overflow checks, so the loops vectorise.
      let a0 = r0 - padLeft, a1 = a0 + 1, a2 = a0 + 2
      let b0 = r1 - padLeft, b1 = b0 + 1, b2 = b0 + 2
      let c0 = r2 - padLeft, c1 = c0 + 1, c2 = c0 + 2
      if stride == 1 {
        for ox in interiorLow..<high {
          var sum = biasValue + w0 * a0[ox] + w1 * a1[ox] + w2 * a2[ox]
          sum += w3 * b0[ox] + w4 * b1[ox] + w5 * b2[ox]
          sum += w6 * c0[ox] + w7 * c1[ox] + w8 * c2[ox]
          out[ox] = sum
        }
      } else {
        var ox = interiorLow
        // Four outputs at a time: the even and odd lanes of eight consecutive inputs. The loads
        // at +2 read one input beyond the group's windows; `ox + 4 < high` keeps it in the row.
        while ox + 4 < high {
          let ix = 2 &* ox
          @inline(__always) func load(_ row: UnsafePointer<Float>) -> SIMD8<Float> {
            UnsafeRawPointer(row + ix).loadUnaligned(as: SIMD8<Float>.self)
          }
          let ra = load(a0), rb = load(b0), rc = load(c0)
          let sa = load(a2), sb = load(b2), sc = load(c2)
          var sum = SIMD4<Float>(repeating: biasValue) + w0 * ra.evenHalf + w1 * ra.oddHalf + w2 * sa.evenHalf
          sum += w3 * rb.evenHalf + w4 * rb.oddHalf + w5 * sb.evenHalf
          sum += w6 * rc.evenHalf + w7 * rc.oddHalf + w8 * sc.evenHalf
          UnsafeMutableRawPointer(out + ox).storeBytes(of: sum, as: SIMD4<Float>.self)
          ox += 4
        }
        while ox < high {
          let ix = 2 &* ox
          var sum = biasValue + w0 * a0[ix] + w1 * a1[ix] + w2 * a2[ix]
          sum += w3 * b0[ix] + w4 * b1[ix] + w5 * b2[ix]
          sum += w6 * c0[ix] + w7 * c1[ix] + w8 * c2[ix]
          out[ox] = sum
          ox += 1
        }
      }
      for ox in high..<outputWidth { edge(ox) }
      if let activation = p.activation { FusedActivation.apply(activation, out, count: outputWidth, bias: 0) }
    }
  }

  /// Any kernel, stride and dilation: each output row starts at the bias and accumulates one
  /// kernel tap at a time over the output columns where that tap reads inside the input.
  private func depthwiseGeneral(
    _ input: UnsafeMutablePointer<Float>, _ output: UnsafeMutablePointer<Float>,
    _ weights: UnsafeMutablePointer<Float>,
    _ biasValue: Float, _ rows: Range<Int>
  ) {
    let strideX = p.strideX
    for oy in rows {
      let out = output + oy * p.outputWidth
      out.update(repeating: biasValue, count: p.outputWidth)
      for ky in 0..<p.kernelHeight {
        let iy = oy * p.strideY - p.padTop + ky * p.dilationY
        guard iy >= 0 && iy < p.height else { continue }
        let line = input + iy * p.width
        for kx in 0..<p.kernelWidth {
          let weight = weights[ky * p.kernelWidth + kx]
          let valid = validColumns[kx]
          let source = line + kx * p.dilationX - p.padLeft
          if strideX == 1 {
            for ox in valid { out[ox] += weight * source[ox] }
          } else {
            for ox in valid { out[ox] += weight * source[ox &* strideX] }
          }
        }
      }
      if let activation = p.activation {
        FusedActivation.apply(activation, out, count: p.outputWidth, bias: 0)
      }
    }
  }
}
