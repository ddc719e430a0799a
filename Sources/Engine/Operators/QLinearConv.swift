import CKernels

/// QLinearConv (ONNX): int8 convolution with requantized int8/uint8 output, run by the CKernels
/// int8 convolution (`qconv.h`: implicit GEMM on VNNI/AVX2/NEON-dot, direct depthwise kernel).
///
/// Inputs: x (uint8 or int8, NCHW or NCL), x_scale, x_zero_point, w ([M, C/group, kH, kW], int8 or
/// uint8), w_scale and w_zero_point (one value, or one per output channel), y_scale,
/// y_zero_point (its type is the output's), optional B (int32 [M], scale x_scale * w_scale).
/// Every input but x must be a constant. Attributes as Conv: group, strides, pads, dilations,
/// auto_pad, kernel_shape. Output: `y = saturate(round_half_even(acc * x_scale * w_scale[m] /
/// y_scale) + y_zero_point)`, acc the exact int32 sum of (x - x_zp) * (w - w_zp) plus B; the
/// multiplier is computed in float32 as `(x_scale * w_scale[m]) / y_scale`, as ONNX Runtime does,
/// so outputs match its QLinearConv bit for bit.
///
/// int8 activations are shifted by +128 into uint8 while packing (zero point + 128); weights get
/// their zero point subtracted at build time. When they then fit int8 (ONNX Runtime's symmetric
/// int8 weights, uint8 weights with zero point 128) the int8 kernels run; otherwise (uint8
/// weights far from their zero point) a direct int32 kernel with the same epilogue does.
///
/// Hiyari's fusion attribute `activation` = "Relu" or "Clip" (`activation_min`, `activation_max`,
/// real values) becomes a tighter clamp in the quantized domain: quantizing is monotone, so
/// `quantize(relu(v)) = max(quantize(v), y_zp)` and likewise for Clip's bounds.
enum QLinearOperators {
  static let definitions: [String: OperatorDefinition] = [
    "QLinearConv": OperatorDefinition(
      infer: { node, inputs, constants throws(GraphError) in
        let x = try OperatorSupport.input(node, inputs, 0)
        let plan = try QLinearConvPlan(node, x: x, constants: constants)
        return [plan.output]
      },
      build: { node, inputs, outputs, constants throws(GraphError) in
        let x = try OperatorSupport.view(node, inputs, 0)
        let plan = try QLinearConvPlan(node, x: x.info, constants: constants)
        if plan.wideWeights != nil { return QLinearConvDirectKernel(plan, x: x, y: outputs[0]) }
        return try QLinearConvKernel(plan, node: node, x: x, y: outputs[0])
      })
  ]
}

/// Everything a QLinearConv node resolves to: checked geometry and quantization, weights with
/// their zero point removed, fused bias inputs, per-channel multipliers and the output clamp.
struct QLinearConvPlan {
  var output: TensorInfo
  var description: hiyari_qconv_desc
  var batch: Int
  /// [M][C/group][kH][kW] with the weight zero point subtracted.
  var weights: [Int8]
  /// The same when some value falls outside int8 (uint8 weights far from their zero point): the
  /// int8 kernels cannot take them, so the direct int32 kernel runs instead.
  var wideWeights: [Int32]?
  var bias: [Int32]?
  var multipliers: [Float]

  init(_ node: Node, x: TensorInfo, constants: ConstantLookup) throws(GraphError) {
    let what = "node \(node.name) (\(node.op))"
    guard x.elementType == .uint8 || x.elementType == .int8 else {
      throw GraphError("\(what) needs uint8 or int8 input x, not \(x.elementType)")
    }
    guard x.shape.count == 3 || x.shape.count == 4 else {
      throw GraphError("\(what) needs x of rank 3 or 4 (NCL or NCHW), not shape \(x.shape)")
    }
    let w = try Self.constant(node, constants, 3, "w")
    guard w.elementType == .int8 || w.elementType == .uint8 else {
      throw GraphError("\(what) needs int8 or uint8 weights w, not \(w.elementType)")
    }
    guard w.shape.count == x.shape.count else {
      throw GraphError("\(what) has weights of shape \(w.shape) for input of shape \(x.shape)")
    }
    let channels = x.shape[1], outChannels = w.shape[0]
    let group = node.int("group", default: 1)
    guard group >= 1, channels % group == 0, outChannels % group == 0, w.shape[1] * group == channels else {
      throw GraphError(
        "\(what): group \(group) does not fit \(channels) input channels and weights of shape \(w.shape)")
    }
    let kernel = Array(w.shape[2...])
    if let declared = node.ints("kernel_shape"), declared != kernel {
      throw GraphError("\(what) declares kernel_shape \(declared) but its weights have \(kernel)")
    }
    let geometry = try WindowGeometry.resolve(node, input: Array(x.shape[2...]), kernel: kernel).planar

    // Quantization parameters.
    let xScale = try Self.scales(node, constants, 1, "x_scale", counts: [1])[0]
    let xZero = try Self.zeroPoints(node, constants, 2, "x_zero_point", type: x.elementType, counts: [1])[0]
    let wScales = try Self.scales(node, constants, 4, "w_scale", counts: [1, outChannels])
    let wZeros = try Self.zeroPoints(
      node, constants, 5, "w_zero_point", type: w.elementType, counts: [1, outChannels])
    let yScale = try Self.scales(node, constants, 6, "y_scale", counts: [1])[0]
    let yZeroTensor = try Self.constant(node, constants, 7, "y_zero_point")
    let outputType = yZeroTensor.elementType
    guard outputType == .uint8 || outputType == .int8 else {
      throw GraphError(
        "\(what) needs a uint8 or int8 y_zero_point (it sets the output type), not \(outputType)")
    }
    let yZero = try Self.zeroPoints(node, constants, 7, "y_zero_point", type: outputType, counts: [1])[0]

    // Weights without their zero point.
    let perChannel = (w.elementCount / max(outChannels, 1))
    var weights = [Int8](repeating: 0, count: w.elementCount)
    var wide: [Int32]?
    let raw: [Int] =
      w.elementType == .int8
      ? w.withElements(as: Int8.self) { $0.map(Int.init) }
      : w.withElements(as: UInt8.self) { $0.map(Int.init) }
    for m in 0..<outChannels {
      let zero = Int(wZeros.count == 1 ? wZeros[0] : wZeros[m])
      for i in 0..<perChannel {
        let value = raw[m * perChannel + i] - zero
        if value < -128 || value > 127, wide == nil {
          wide = raw.indices.map {
            Int32(raw[$0] - Int(wZeros.count == 1 ? wZeros[0] : wZeros[$0 / perChannel]))
          }
        }
        weights[m * perChannel + i] = Int8(truncatingIfNeeded: value)
      }
    }

    var bias: [Int32]?
    if node.inputs.count > 8, !node.inputs[8].isEmpty {
      let b = try Self.constant(node, constants, 8, "B")
      guard b.elementType == .int32, b.elementCount == outChannels, b.shape.count == 1 else {
        throw GraphError("\(what) needs bias B as int32 [\(outChannels)], not \(b.elementType) \(b.shape)")
      }
      bias = b.withElements(as: Int32.self) { Array($0) }
    }

    var multipliers = [Float](repeating: 0, count: outChannels)
    for m in 0..<outChannels {
      let multiplier = (xScale * (wScales.count == 1 ? wScales[0] : wScales[m])) / yScale
      guard multiplier.isFinite && multiplier > 0 else {
        throw GraphError("\(what): x_scale * w_scale / y_scale is \(multiplier) for output channel \(m)")
      }
      multipliers[m] = multiplier
    }

    // The output clamp: the type's range, tightened by a fused activation.
    var low: Int32 = outputType == .int8 ? -128 : 0
    var high: Int32 = outputType == .int8 ? 127 : 255
    if let attribute = node.attributes["activation"] {
      guard let name = attribute.stringValue else {
        throw GraphError("\(what) has a non-string activation attribute")
      }
      switch name {
      case "", "Identity": break
      case "Relu": low = max(low, yZero)
      case "Clip":
        let minimum = node.float("activation_min", default: -.infinity)
        let maximum = node.float("activation_max", default: .infinity)
        guard !minimum.isNaN, !maximum.isNaN, minimum <= maximum else {
          throw GraphError("\(what) has fused Clip bounds \(minimum), \(maximum)")
        }
        low = max(low, Quantization.quantize(minimum, scale: yScale, zeroPoint: yZero, type: outputType))
        high = min(high, Quantization.quantize(maximum, scale: yScale, zeroPoint: yZero, type: outputType))
      default:
        throw GraphError("\(what) has unsupported fused activation \"\(name)\" (Relu or Clip)")
      }
    }

    let spatial = x.shape.count - 2
    let outputShape = [x.shape[0], outChannels] + Array(geometry.output.suffix(spatial))
    output = TensorInfo(
      name: node.outputs.first ?? "", elementType: outputType, shape: outputShape,
      quantization: Quantization(scale: yScale, zeroPoint: yZero))
    let limit = Int(Int32.max)
    guard
      ([channels, outChannels, group] + geometry.input + geometry.output + geometry.kernel + geometry.strides
        + geometry.dilations + geometry.padBegin).allSatisfy({ $0 <= limit })
    else { throw GraphError("\(what) has dimensions beyond the int8 kernels' range") }
    var d = hiyari_qconv_desc()
    d.in_channels = Int32(channels)
    d.in_height = Int32(geometry.input[0])
    d.in_width = Int32(geometry.input[1])
    d.out_channels = Int32(outChannels)
    d.out_height = Int32(geometry.output[0])
    d.out_width = Int32(geometry.output[1])
    d.groups = Int32(group)
    d.kernel_height = Int32(geometry.kernel[0])
    d.kernel_width = Int32(geometry.kernel[1])
    d.stride_height = Int32(geometry.strides[0])
    d.stride_width = Int32(geometry.strides[1])
    d.dilation_height = Int32(geometry.dilations[0])
    d.dilation_width = Int32(geometry.dilations[1])
    d.pad_top = Int32(geometry.padBegin[0])
    d.pad_left = Int32(geometry.padBegin[1])
    d.input_is_signed = x.elementType == .int8 ? 1 : 0
    d.input_zero_point = x.elementType == .int8 ? xZero + 128 : xZero
    d.output_zero_point = yZero
    d.output_is_signed = outputType == .int8 ? 1 : 0
    d.output_min = low
    d.output_max = high
    description = d
    batch = x.shape[0]
    self.weights = weights
    self.wideWeights = wide
    self.bias = bias
    self.multipliers = multipliers
  }

  static func constant(_ node: Node, _ constants: ConstantLookup, _ index: Int, _ name: String)
    throws(GraphError)
    -> Tensor
  {
    guard index < node.inputs.count, !node.inputs[index].isEmpty else {
      throw GraphError("node \(node.name) (\(node.op)) is missing input \(index) (\(name))")
    }
    guard let tensor = constants.tensor(node.inputs[index]) else {
      throw GraphError(
        "node \(node.name) (\(node.op)) needs \(name) (\(node.inputs[index])) to be a constant")
    }
    return tensor
  }

  /// Positive finite float32 scales, as many as one of `counts`.
  static func scales(_ node: Node, _ constants: ConstantLookup, _ index: Int, _ name: String, counts: [Int])
    throws(GraphError) -> [Float]
  {
    let tensor = try constant(node, constants, index, name)
    let what = "node \(node.name) (\(node.op))"
    guard tensor.elementType == .float32 else {
      throw GraphError("\(what) needs float32 \(name), not \(tensor.elementType)")
    }
    guard counts.contains(tensor.elementCount), tensor.shape.count <= 1 else {
      throw GraphError(
        "\(what) has \(tensor.elementCount) values of \(name) (shape \(tensor.shape)); expected \(counts.map(String.init).joined(separator: " or "))"
      )
    }
    let values = tensor.withElements(as: Float.self) { Array($0) }
    for value in values where !(value.isFinite && value > 0) {
      throw GraphError("\(what) has \(name) \(value); scales must be positive and finite")
    }
    return values
  }

  /// Zero points of type `type`, as many as one of `counts`.
  static func zeroPoints(
    _ node: Node, _ constants: ConstantLookup, _ index: Int, _ name: String, type: ElementType, counts: [Int]
  ) throws(GraphError) -> [Int32] {
    let tensor = try constant(node, constants, index, name)
    let what = "node \(node.name) (\(node.op))"
    guard tensor.elementType == type else {
      throw GraphError(
        "\(what) needs \(name) of type \(type) (the type of the tensor it describes), not \(tensor.elementType)"
      )
    }
    guard counts.contains(tensor.elementCount), tensor.shape.count <= 1 else {
      throw GraphError(
        "\(what) has \(tensor.elementCount) values of \(name) (shape \(tensor.shape)); expected \(counts.map(String.init).joined(separator: " or "))"
      )
    }
    return type == .int8
      ? tensor.withElements(as: Int8.self) { $0.map(Int32.init) }
      : tensor.withElements(as: UInt8.self) { $0.map(Int32.init) }
  }
}

/// Runs one QLinearConv: per image, packs the input (pad, stride phases, channel quads) into the
/// model's shared workspace, then computes tiles of output channels x pixels on the pool. The
/// packing writes every byte the computation reads for stored outputs, so a workspace left dirty
/// by other kernels is fine.
final class QLinearConvKernel: Kernel {
  private let conv: OpaquePointer
  private let info: hiyari_qconv_info
  private let x: TensorView
  private let y: TensorView
  private let batch: Int
  private let inputImageBytes: Int
  private let outputImageBytes: Int
  private let outChannels: Int
  private let groups: Int

  init(
    _ plan: QLinearConvPlan, node: Node, x: TensorView, y: TensorView,
    features: UInt32 = hiyari_cpu_features()
  )
    throws(GraphError)
  {
    var description = plan.description
    let created = plan.weights.withUnsafeBufferPointer { weights in
      plan.multipliers.withUnsafeBufferPointer { multipliers in
        if let bias = plan.bias {
          return bias.withUnsafeBufferPointer {
            hiyari_qconv_create(
              &description, weights.baseAddress, $0.baseAddress, multipliers.baseAddress, features)
          }
        }
        return hiyari_qconv_create(&description, weights.baseAddress, nil, multipliers.baseAddress, features)
      }
    }
    guard let created else {
      throw GraphError(
        "node \(node.name) (\(node.op)): the int8 convolution kernel rejected its shape or ran out of memory")
    }
    var info = hiyari_qconv_info()
    hiyari_qconv_get_info(created, &info)
    conv = created
    self.info = info
    self.x = x
    self.y = y
    batch = plan.batch
    let d = plan.description
    inputImageBytes = Int(d.in_channels) * Int(d.in_height) * Int(d.in_width)
    outputImageBytes = Int(d.out_channels) * Int(d.out_height) * Int(d.out_width)
    outChannels = Int(d.out_channels)
    groups = Int(d.groups)
  }

  deinit {
    hiyari_qconv_destroy(conv)
  }

  /// The kernel path chosen at build time (HIYARI_QCONV_*).
  var path: Int32 { info.path }

  var workspaceBytes: Int { max(info.buffer_bytes, 64) }

  func run(_ context: borrowing ExecutionContext) {
    let threads = context.threads.threadCount
    precondition(
      context.workspaceBytes >= info.buffer_bytes,
      "the model's workspace is smaller than this kernel reported")
    let conv = conv, info = info, buffer = context.workspace.assumingMemoryBound(to: UInt8.self)
    if info.kind == Int32(HIYARI_QCONV_DEPTHWISE) {
      runDepthwise(context, buffer: buffer)
      return
    }
    let units = Int(info.pack_units)
    let packTasks = threads == 1 ? 1 : min(units, threads * 4)
    let pixels = Int(info.virtual_pixels)
    // Compute tasks: pixel chunks (aligned to the tile) per group, and with few chunks, channel
    // chunks too (aligned to the channel block).
    let groupChannels = Int(info.group_channels)
    let pixelBlock = max(Int(info.pixel_block), 1), channelBlock = max(Int(info.channel_block), 1)
    var pixelChunk = pixels, channelChunk = groupChannels
    if threads > 1 {
      let wanted = threads * 4
      let perGroup = max(1, (wanted + groups - 1) / groups)
      let blocks = (pixels + pixelBlock - 1) / pixelBlock
      pixelChunk = max(1, (blocks + perGroup - 1) / perGroup) * pixelBlock
      let pixelChunks = (pixels + pixelChunk - 1) / pixelChunk
      if groups * pixelChunks < threads * 2 {
        let channelBlocks = (groupChannels + channelBlock - 1) / channelBlock
        let splits = min(
          channelBlocks, (threads * 2 + groups * pixelChunks - 1) / (groups * pixelChunks))
        channelChunk = (channelBlocks + splits - 1) / splits * channelBlock
      }
    }
    let pixelChunks = (pixels + pixelChunk - 1) / pixelChunk
    let channelChunks = (groupChannels + channelChunk - 1) / channelChunk
    let tasks = groups * channelChunks * pixelChunks
    for image in 0..<batch {
      let input = x.uint8s() + image * inputImageBytes
      let output = y.uint8s() + image * outputImageBytes
      context.threads.parallelFor(packTasks) { task in
        hiyari_qconv_pack_input(
          conv, input, buffer, Int32(units * task / packTasks), Int32(units * (task + 1) / packTasks))
      }
      context.threads.parallelFor(tasks) { task in
        let pixelIndex = task % pixelChunks, rest = task / pixelChunks
        let channelIndex = rest % channelChunks, group = rest / channelChunks
        let first = group * groupChannels + channelIndex * channelChunk
        let last = min(first + channelChunk, (group + 1) * groupChannels)
        hiyari_qconv_compute(
          conv, buffer, output, Int32(first), Int32(last), Int32(pixelIndex * pixelChunk),
          Int32(min((pixelIndex + 1) * pixelChunk, pixels)))
      }
    }
  }

  /// Depthwise: channel c reads only packed unit c, so each task packs a few channels and computes
  /// them at once, while their packed planes are still in L1; one parallel loop instead of two.
  private func runDepthwise(_ context: borrowing ExecutionContext, buffer: UnsafeMutablePointer<UInt8>) {
    let conv = conv, info = info
    let planeBytes = max(Int(info.buffer_bytes) / max(outChannels, 1), 1)
    // About 16 kB of packed input per chunk, and enough chunks to share among the threads.
    let threads = context.threads.threadCount
    let byCache = max(1, 16_384 / planeBytes)
    let byThreads = max(1, (outChannels + threads * 4 - 1) / (threads * 4))
    let chunk = threads == 1 ? byCache : min(byCache, byThreads)
    let tasks = (outChannels + chunk - 1) / chunk
    let pixels = info.virtual_pixels
    for image in 0..<batch {
      let input = x.uint8s() + image * inputImageBytes
      let output = y.uint8s() + image * outputImageBytes
      context.threads.parallelFor(tasks) { task in
        let first = Int32(task * chunk), last = Int32(min((task + 1) * chunk, outChannels))
        hiyari_qconv_pack_input(conv, input, buffer, first, last)
        hiyari_qconv_compute(conv, buffer, output, first, last, 0, pixels)
      }
    }
  }
}
