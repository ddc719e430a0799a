import Engine

/// What a model wants as input: size, how the frame is fitted, layout, element encoding, channel
/// order, and how YUV frames are to be read.
///
/// Sampling is bilinear with pixel centers aligned (OpenCV's `INTER_LINEAR` convention): output
/// pixel `d` of `n` covering source span `[start, start + length)` samples the source at
/// `start + (d + 0.5) * length / n - 0.5`, clamped to the edge. Chroma of subsampled formats is
/// sampled at the same point of the picture, taking chroma samples as centered between the luma
/// samples they cover (libswscale's default siting). Positions are rounded to 1/2048 of a sample.
///
/// Frames may be YUYV, UYVY, NV12, YUV420P, YUV422P, YUV444P, RGB24, BGR24 or GRAY8 (read as
/// R = G = B), of any size, with rows padded past their pixels.
public struct PreprocessSpec: Sendable, Hashable {
  /// Model input width in pixels.
  public var width: Int
  /// Model input height in pixels.
  public var height: Int
  /// How the frame's aspect ratio is fitted (default: letterbox with YOLO's gray bars).
  public var resize: ResizeMode
  /// NCHW (planar, shape [1, 3, H, W]) or NHWC (interleaved, shape [1, H, W, 3]).
  public var layout: TensorLayout
  /// Element type and normalization (default: float32 in 0...1).
  public var encoding: OutputEncoding
  /// RGB or BGR along the channel axis.
  public var channelOrder: ChannelOrder
  /// The YUV to RGB matrix (default BT.601); used only for YUV frames.
  public var yuvMatrix: YUVMatrix
  /// The YUV code range (default limited); used only for YUV frames.
  public var yuvRange: YUVRange

  /// The largest width or height accepted, for model inputs and frames alike.
  public static let maximumDimension = 16384

  public init(
    width: Int, height: Int, resize: ResizeMode = .letterbox(padding: .letterboxGray),
    layout: TensorLayout = .nchw, encoding: OutputEncoding = .float32(.unitRange),
    channelOrder: ChannelOrder = .rgb, yuvMatrix: YUVMatrix = .bt601, yuvRange: YUVRange = .limited
  ) {
    self.width = width
    self.height = height
    self.resize = resize
    self.layout = layout
    self.encoding = encoding
    self.channelOrder = channelOrder
    self.yuvMatrix = yuvMatrix
    self.yuvRange = yuvRange
  }

  /// The output tensor's shape: [1, 3, height, width] for NCHW, [1, height, width, 3] for NHWC.
  public var outputShape: [Int] {
    switch layout {
    case .nchw: [1, 3, height, width]
    case .nhwc: [1, height, width, 3]
    }
  }

  /// The output tensor's element type.
  public var elementType: ElementType { encoding.elementType }

  /// Checks every field; `Preprocessor.init` calls this.
  public func validate() throws(PreprocessError) {
    guard (1...Self.maximumDimension).contains(width), (1...Self.maximumDimension).contains(height)
    else { throw .invalidOutputSize(width: width, height: height) }
    switch encoding {
    case .float32(let normalization):
      try normalization.validate()
    case .uint8:
      break
    case .quantized(let type, let quantization, let normalization):
      try normalization.validate()
      try validate(quantization, of: type)
    }
  }

  private func validate(_ quantization: Quantization, of type: ElementType) throws(PreprocessError) {
    guard type.isQuantized else {
      throw .invalidQuantization("element type \(type.rawValue) is not int8 or uint8")
    }
    let channelAxis = layout == .nchw ? 1 : 3
    switch quantization.scales.count {
    case 1:
      break
    case 3:
      guard quantization.axis == channelAxis else {
        let axis = quantization.axis.map(String.init) ?? "none"
        throw .invalidQuantization(
          "per-channel quantization must run along the channel axis \(channelAxis), not \(axis)")
      }
    default:
      throw .invalidQuantization("needs 1 or 3 scales, got \(quantization.scales.count)")
    }
    guard quantization.zeroPoints.count == quantization.scales.count else {
      throw .invalidQuantization("needs one zero point per scale")
    }
    guard quantization.scales.allSatisfy({ $0.isFinite && $0 > 0 }) else {
      throw .invalidQuantization("scales \(quantization.scales) must be finite and positive")
    }
    let range: ClosedRange<Int32> = type == .int8 ? -128...127 : 0...255
    guard quantization.zeroPoints.allSatisfy(range.contains) else {
      throw .invalidQuantization(
        "zero points \(quantization.zeroPoints) are outside \(type.rawValue)'s range")
    }
  }

  /// Where a frame of the given size lands in the model input, and which part of it is sampled.
  public func geometry(frameWidth: Int, frameHeight: Int) throws(PreprocessError) -> PreprocessGeometry {
    guard (1...Self.maximumDimension).contains(frameWidth),
      (1...Self.maximumDimension).contains(frameHeight)
    else {
      throw .invalidFrame(
        "size \(frameWidth)x\(frameHeight) is out of range 1...\(Self.maximumDimension)")
    }
    guard (1...Self.maximumDimension).contains(width), (1...Self.maximumDimension).contains(height)
    else { throw .invalidOutputSize(width: width, height: height) }
    var geometry = PreprocessGeometry(
      frameWidth: frameWidth, frameHeight: frameHeight,
      sourceX: 0, sourceY: 0, sourceWidth: frameWidth, sourceHeight: frameHeight,
      contentX: 0, contentY: 0, contentWidth: width, contentHeight: height)
    // Sizes are rounded to the nearest pixel in integers, so every platform agrees on them.
    let frameIsWider = frameWidth * height > width * frameHeight
    switch resize {
    case .stretch:
      break
    case .letterbox:
      if frameIsWider {
        geometry.contentHeight = Self.clamp(Self.roundedRatio(frameHeight * width, frameWidth), height)
        geometry.contentY = (height - geometry.contentHeight) / 2
      } else {
        geometry.contentWidth = Self.clamp(Self.roundedRatio(frameWidth * height, frameHeight), width)
        geometry.contentX = (width - geometry.contentWidth) / 2
      }
    case .centerCrop:
      if frameIsWider {
        geometry.sourceWidth = Self.clamp(Self.roundedRatio(frameHeight * width, height), frameWidth)
        geometry.sourceX = (frameWidth - geometry.sourceWidth) / 2
      } else {
        geometry.sourceHeight = Self.clamp(Self.roundedRatio(frameWidth * height, width), frameHeight)
        geometry.sourceY = (frameHeight - geometry.sourceHeight) / 2
      }
    }
    return geometry
  }

  /// numerator / denominator rounded half up (both positive).
  private static func roundedRatio(_ numerator: Int, _ denominator: Int) -> Int {
    (2 * numerator + denominator) / (2 * denominator)
  }

  private static func clamp(_ value: Int, _ upper: Int) -> Int { min(max(value, 1), upper) }
}
