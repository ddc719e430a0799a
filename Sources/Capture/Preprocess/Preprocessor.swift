import CKernels
import Engine

/// Turns frames into a model's input tensor: crop or letterbox, bilinear resize, YUV to RGB,
/// normalization or quantization, in the spec's layout and channel order.
///
/// The work runs in C kernels (`hiyari_preprocess`, AVX2 or NEON when the CPU has them, else a
/// scalar reference they match bit for bit). YUV frames are never converted at their own size:
/// each output pixel samples the Y and chroma planes directly and is converted at output size.
///
/// A preprocessor allocates its sampling tables once; `process` allocates nothing, so one
/// instance per camera stream serves every frame. It is not thread-safe: use one per thread.
public final class Preprocessor {
  /// What this preprocessor produces.
  public let spec: PreprocessSpec
  /// The geometry of the last frame processed (nil before the first), to map detections back.
  public private(set) var geometry: PreprocessGeometry?

  private let outputShape: [Int]
  private let tables: SamplingTables
  /// The frame format and size the tables were built for.
  private var plannedFormat: PixelFormat?
  private let outputType: Int32
  /// Per red, green, blue: `element = pixel * scale + bias` (before rounding for 8-bit types).
  private let outputScale: (Float, Float, Float)
  private let outputBias: (Float, Float, Float)
  private let colorConversion:
    (
      lumaOffset: Float, lumaScale: Float, redFromV: Float, greenFromU: Float, greenFromV: Float,
      blueFromU: Float
    )
  /// Encoded letterbox bar values per red, green, blue; nil when the spec has no bars.
  private let padValues: (Float, Float, Float)?

  /// Validates `spec` and sizes the sampling tables for it.
  public init(spec: PreprocessSpec) throws(PreprocessError) {
    try spec.validate()
    self.spec = spec
    outputShape = spec.outputShape
    tables = SamplingTables(maximumColumns: spec.width, maximumRows: spec.height)
    colorConversion = Self.colorConversion(matrix: spec.yuvMatrix, range: spec.yuvRange)
    switch spec.encoding {
    case .float32(let normalization):
      outputType = Int32(HIYARI_PP_FLOAT32)
      let red = normalization.affine(channel: 0)
      let green = normalization.affine(channel: 1)
      let blue = normalization.affine(channel: 2)
      outputScale = (Float(red.scale), Float(green.scale), Float(blue.scale))
      outputBias = (Float(red.bias), Float(green.bias), Float(blue.bias))
    case .uint8:
      outputType = Int32(HIYARI_PP_UINT8)
      outputScale = (1, 1, 1)
      outputBias = (0, 0, 0)
    case .quantized(let type, let quantization, let normalization):
      outputType = Int32(type == .int8 ? HIYARI_PP_INT8 : HIYARI_PP_UINT8)
      var scales: [Float] = []
      var biases: [Float] = []
      for color in 0..<3 {
        let quantizationIndex =
          quantization.scales.count == 1 ? 0 : Self.tensorChannel(color, spec.channelOrder)
        let quantizationScale = Double(quantization.scales[quantizationIndex])
        let zeroPoint = Double(quantization.zeroPoints[quantizationIndex])
        // Folds quantize((pixel * a + b)) = round((pixel * a + b) / s + z) into one affine map.
        let affine = normalization.affine(channel: color)
        scales.append(Float(affine.scale / quantizationScale))
        biases.append(Float(affine.bias / quantizationScale + zeroPoint))
      }
      outputScale = (scales[0], scales[1], scales[2])
      outputBias = (biases[0], biases[1], biases[2])
    }
    if case .letterbox(let padding) = spec.resize {
      let (type, scale, bias) = (outputType, outputScale, outputBias)
      func encoded(_ value: UInt8, _ color: Int) -> Float {
        Self.encodedPixel(
          value, type: type, scale: Self.component(scale, color), bias: Self.component(bias, color))
      }
      padValues = (encoded(padding.red, 0), encoded(padding.green, 1), encoded(padding.blue, 2))
    } else {
      padValues = nil
    }
  }

  /// The kernel variant `process` runs on this CPU now: "avx2", "neon" or "scalar" (changes
  /// when features are masked with `hiyari_cpu_features_mask`).
  public static var kernelName: String {
    String(cString: hiyari_preprocess_kernel_name(hiyari_cpu_features()))
  }

  /// A tensor of the spec's shape, element type, layout and quantization, to pass to `process`.
  public func makeOutputTensor() throws(PreprocessError) -> Tensor {
    do {
      return try Tensor(
        shape: outputShape, elementType: spec.elementType, layout: spec.layout,
        quantization: spec.encoding.quantization)
    } catch {
      throw .tensorAllocation(error)
    }
  }

  /// Writes `frame`, preprocessed, into `tensor`, overwriting every element.
  ///
  /// `tensor` must have the spec's shape, element type and layout, and for quantized encodings
  /// the spec's quantization (`makeOutputTensor()` makes one). Nothing is allocated.
  public func process(_ frame: Frame, into tensor: Tensor) throws(PreprocessError) {
    try process(frame, into: tensor, cpuFeatures: hiyari_cpu_features())
  }

  /// `process` with the kernel variant chosen from `cpuFeatures` (tests compare variants this
  /// way; the process-wide `hiyari_cpu_features_mask` would race with other tests).
  func process(_ frame: Frame, into tensor: Tensor, cpuFeatures: UInt32) throws(PreprocessError) {
    try check(tensor)
    guard let layout = SourceLayout(frame.format) else { throw .unsupportedFormat(frame.format) }
    try check(frame, layout)

    if plannedFormat != frame.format || geometry?.frameWidth != frame.width
      || geometry?.frameHeight != frame.height
    {
      let newGeometry = try spec.geometry(frameWidth: frame.width, frameHeight: frame.height)
      tables.build(layout: layout, geometry: newGeometry)
      geometry = newGeometry
      plannedFormat = frame.format
    }
    guard let geometry else { return }

    let output = tensor.mutableBytes.baseAddress!
    let elementSize = spec.elementType.byteCount
    let planar = spec.layout == .nchw
    let pixelStride = planar ? 1 : 3
    let rowStride = spec.width * pixelStride
    func channelOrigin(_ color: Int, column: Int, row: Int) -> UnsafeMutableRawPointer {
      let channel = Self.tensorChannel(color, spec.channelOrder)
      let channelStart = planar ? channel * spec.width * spec.height : channel
      return output + (channelStart + row * rowStride + column * pixelStride) * elementSize
    }

    var job = hiyari_pp_job()
    job.channel = (
      kernelChannel(0, layout, frame), kernelChannel(1, layout, frame), kernelChannel(2, layout, frame)
    )
    job.width = Int32(geometry.contentWidth)
    job.height = Int32(geometry.contentHeight)
    job.vector_columns = Int32(tables.vectorColumns)
    job.source_is_yuv = layout.isYUV ? 1 : 0
    job.luma_offset = colorConversion.lumaOffset
    job.luma_scale = colorConversion.lumaScale
    job.red_from_v = colorConversion.redFromV
    job.green_from_u = colorConversion.greenFromU
    job.green_from_v = colorConversion.greenFromV
    job.blue_from_u = colorConversion.blueFromU
    job.output_scale = outputScale
    job.output_bias = outputBias
    job.output_type = outputType
    job.output = (
      channelOrigin(0, column: geometry.contentX, row: geometry.contentY),
      channelOrigin(1, column: geometry.contentX, row: geometry.contentY),
      channelOrigin(2, column: geometry.contentX, row: geometry.contentY)
    )
    job.output_pixel_stride = pixelStride
    job.output_row_stride = rowStride

    if let padValues {
      func fillBar(column: Int, row: Int, width: Int, height: Int) {
        guard width > 0, height > 0 else { return }
        for color in 0..<3 {
          hiyari_preprocess_fill(
            channelOrigin(color, column: column, row: row), outputType, pixelStride, rowStride,
            Int32(width), Int32(height), Self.component(padValues, color))
        }
      }
      let contentBottom = geometry.contentY + geometry.contentHeight
      let contentRight = geometry.contentX + geometry.contentWidth
      fillBar(column: 0, row: 0, width: spec.width, height: geometry.contentY)
      fillBar(column: 0, row: contentBottom, width: spec.width, height: spec.height - contentBottom)
      fillBar(column: 0, row: geometry.contentY, width: geometry.contentX, height: geometry.contentHeight)
      fillBar(
        column: contentRight, row: geometry.contentY, width: spec.width - contentRight,
        height: geometry.contentHeight)
    }

    hiyari_preprocess(&job, cpuFeatures)
  }

  private func kernelChannel(_ index: Int, _ layout: SourceLayout, _ frame: Frame) -> hiyari_pp_channel {
    let source = layout.channel(index)
    let plane = frame.plane(source.plane)
    var channel = tables.kernelChannel(index)
    channel.base = (plane.base + source.byteOffset).assumingMemoryBound(to: UInt8.self)
    channel.row_pitch = plane.bytesPerRow
    channel.taps_within_4_bytes = source.sampleStride <= 3 ? 1 : 0
    return channel
  }

  /// A constant pixel value encoded as the kernels encode pixels (the same float operations).
  private static func encodedPixel(_ value: UInt8, type: Int32, scale: Float, bias: Float) -> Float {
    let encoded = Float(value) * scale + bias
    switch type {
    case Int32(HIYARI_PP_FLOAT32): return encoded
    case Int32(HIYARI_PP_UINT8): return min(max(encoded, 0), 255).rounded(.toNearestOrEven)
    default: return min(max(encoded, -128), 127).rounded(.toNearestOrEven)
    }
  }

  private static func component(_ values: (Float, Float, Float), _ index: Int) -> Float {
    switch index {
    case 0: values.0
    case 1: values.1
    default: values.2
    }
  }

  private func check(_ tensor: Tensor) throws(PreprocessError) {
    guard tensor.shape == outputShape else {
      throw .tensorMismatch("shape \(tensor.shape), expected \(outputShape)")
    }
    guard tensor.elementType == spec.elementType else {
      throw .tensorMismatch(
        "element type \(tensor.elementType.rawValue), expected \(spec.elementType.rawValue)")
    }
    guard tensor.layout == spec.layout else {
      throw .tensorMismatch("layout \(tensor.layout.rawValue), expected \(spec.layout.rawValue)")
    }
    if case .quantized(_, let quantization, _) = spec.encoding, tensor.quantization != quantization {
      throw .tensorMismatch(
        "quantization \(String(describing: tensor.quantization)), expected \(quantization)")
    }
  }

  private func check(_ frame: Frame, _ layout: SourceLayout) throws(PreprocessError) {
    let limit = 1...PreprocessSpec.maximumDimension
    guard limit.contains(frame.width), limit.contains(frame.height) else {
      throw .invalidFrame("size \(frame.width)x\(frame.height) is out of range \(limit)")
    }
    for index in 0..<frame.planeCount {
      let plane = frame.plane(index)
      let needed = layout.requirement(plane: index, width: frame.width, height: frame.height)
      guard plane.bytesPerRow >= needed.rowBytes else {
        throw .invalidFrame(
          "plane \(index) of a \(frame.width)x\(frame.height) \(frame.format.rawValue) frame has "
            + "\(plane.bytesPerRow) bytes per row, needs at least \(needed.rowBytes)")
      }
      guard plane.rows >= needed.rows else {
        throw .invalidFrame(
          "plane \(index) of a \(frame.width)x\(frame.height) \(frame.format.rawValue) frame has "
            + "\(plane.rows) rows, needs \(needed.rows)")
      }
    }
  }

  /// The index along the tensor's channel axis of red (0), green (1) or blue (2).
  private static func tensorChannel(_ color: Int, _ order: ChannelOrder) -> Int {
    order == .rgb ? color : 2 - color
  }

  /// YUV to RGB coefficients (R' = Y' + 2(1 - Kr) V', ...), with the range expansion folded in.
  private static func colorConversion(matrix: YUVMatrix, range: YUVRange) -> (
    lumaOffset: Float, lumaScale: Float, redFromV: Float, greenFromU: Float, greenFromV: Float,
    blueFromU: Float
  ) {
    let (kr, kb) = matrix.redAndBlueLumaWeights
    let kg = 1 - kr - kb
    let (lumaOffset, lumaScale, chromaScale) =
      range == .limited ? (16.0, 255.0 / 219.0, 255.0 / 224.0) : (0.0, 1.0, 1.0)
    return (
      Float(lumaOffset), Float(lumaScale), Float(2 * (1 - kr) * chromaScale),
      Float(2 * kb * (1 - kb) / kg * chromaScale), Float(2 * kr * (1 - kr) / kg * chromaScale),
      Float(2 * (1 - kb) * chromaScale)
    )
  }
}
