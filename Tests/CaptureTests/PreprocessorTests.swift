import CFFmpeg
import CKernels
import Engine
import Testing

@testable import Capture

/// The preprocessor against an independent, straightforward double-precision reference of the
/// same math (written here from the definitions in `PreprocessSpec`'s documentation), and against
/// libswscale.
///
/// Tolerances: float outputs within 1e-4 pixel levels (expressed in the output's units) plus 1e-6
/// relative, since the kernels evaluate about six float32 operations on values up to 255 (a few
/// ulp of 255 is about 3e-5); 8-bit outputs within 1 level, and differing at all on under 0.5% of
/// elements, because only values within float32 error of a rounding boundary may round the other
/// way (a systematic off-by-one, e.g. truncation, differs on about half of them).
@Suite struct PreprocessorTests {
  // MARK: Test images

  /// SplitMix64, so every failure reproduces.
  struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
      state &+= 0x9E37_79B9_7F4A_7C15
      var z = state
      z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
      z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
      return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int {
      range.lowerBound + Int(next() % UInt64(range.count))
    }
    mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
  }

  /// A frame whose pixels this object owns; rows are padded with garbage past their samples.
  final class TestImage {
    let format: PixelFormat
    let width: Int
    let height: Int
    let pitches: [Int]
    let planes: [UnsafeMutablePointer<UInt8>]
    let rowCounts: [Int]
    private(set) var frame: Frame!

    /// Bytes of samples in a row of each plane, and rows per plane.
    static func planeShapes(_ format: PixelFormat, width: Int, height: Int) -> [(rowBytes: Int, rows: Int)] {
      let halfWidth = (width + 1) / 2
      let halfHeight = (height + 1) / 2
      switch format {
      case .yuyv, .uyvy: return [(4 * halfWidth, height)]
      case .nv12: return [(width, height), (2 * halfWidth, halfHeight)]
      case .yuv420p: return [(width, height), (halfWidth, halfHeight), (halfWidth, halfHeight)]
      case .yuv422p: return [(width, height), (halfWidth, height), (halfWidth, height)]
      case .yuv444p: return [(width, height), (width, height), (width, height)]
      case .rgb24, .bgr24: return [(3 * width, height)]
      case .gray8: return [(width, height)]
      case .mjpeg: return [(width, height)]
      }
    }

    init(_ format: PixelFormat, width: Int, height: Int, extraPitch: Int = 0, fill: (inout Random) -> UInt8) {
      self.format = format
      self.width = width
      self.height = height
      var random = Random(state: UInt64(width * 7919 + height))
      let shapes = Self.planeShapes(format, width: width, height: height)
      pitches = shapes.map { $0.rowBytes + extraPitch }
      rowCounts = shapes.map(\.rows)
      planes = zip(shapes, pitches).map { shape, pitch in
        let count = (shape.rows - 1) * pitch + shape.rowBytes
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: count)
        for index in 0..<count { pointer[index] = fill(&random) }
        return pointer
      }
      frame = Frame(
        format: format, width: width, height: height,
        planes: (0..<planes.count).map {
          FramePlane(base: UnsafeRawPointer(planes[$0]), bytesPerRow: pitches[$0], rows: rowCounts[$0])
        })
    }

    convenience init(random format: PixelFormat, width: Int, height: Int, extraPitch: Int, seed: UInt64) {
      var random = Random(state: seed)
      let noise = (0..<4096).map { _ in random.byte() }
      var index = 0
      self.init(format, width: width, height: height, extraPitch: extraPitch) { _ in
        index += 1
        return noise[index % noise.count]
      }
    }

    deinit { planes.forEach { $0.deallocate() } }

    func byte(plane: Int, row: Int, column: Int) -> Double {
      Double(planes[plane][row * pitches[plane] + column])
    }

    /// Chroma subsampling (horizontal, vertical) of the format.
    var chromaSubsampling: (Int, Int) {
      switch format {
      case .nv12, .yuv420p: (2, 2)
      case .yuyv, .uyvy, .yuv422p: (2, 1)
      default: (1, 1)
      }
    }

    /// Sample (x, y) of channel 0, 1, 2 (Y, U, V or R, G, B), x and y in that channel's own grid.
    func sample(_ channel: Int, x: Int, y: Int) -> Double {
      switch (format, channel) {
      case (.yuyv, 0): byte(plane: 0, row: y, column: 2 * x)
      case (.yuyv, 1): byte(plane: 0, row: y, column: 4 * x + 1)
      case (.yuyv, _): byte(plane: 0, row: y, column: 4 * x + 3)
      case (.uyvy, 0): byte(plane: 0, row: y, column: 2 * x + 1)
      case (.uyvy, 1): byte(plane: 0, row: y, column: 4 * x)
      case (.uyvy, _): byte(plane: 0, row: y, column: 4 * x + 2)
      case (.nv12, 0): byte(plane: 0, row: y, column: x)
      case (.nv12, let c): byte(plane: 1, row: y, column: 2 * x + c - 1)
      case (.yuv420p, let c), (.yuv422p, let c), (.yuv444p, let c): byte(plane: c, row: y, column: x)
      case (.rgb24, let c): byte(plane: 0, row: y, column: 3 * x + c)
      case (.bgr24, let c): byte(plane: 0, row: y, column: 3 * x + 2 - c)
      case (.gray8, _): byte(plane: 0, row: y, column: x)
      case (.mjpeg, _): 0
      }
    }

    var isYUV: Bool { ![.rgb24, .bgr24, .gray8].contains(format) }
  }

  // MARK: Reference

  /// The reference's idea of where the frame goes, from the documented rules, in doubles.
  static func referenceGeometry(_ spec: PreprocessSpec, frameWidth: Int, frameHeight: Int)
    -> PreprocessGeometry
  {
    let (fw, fh, w, h) = (Double(frameWidth), Double(frameHeight), Double(spec.width), Double(spec.height))
    var geometry = PreprocessGeometry(
      frameWidth: frameWidth, frameHeight: frameHeight, sourceX: 0, sourceY: 0, sourceWidth: frameWidth,
      sourceHeight: frameHeight, contentX: 0, contentY: 0, contentWidth: spec.width,
      contentHeight: spec.height)
    let frameIsWider = fw / fh > w / h
    switch spec.resize {
    case .stretch: break
    case .letterbox:
      if frameIsWider {
        geometry.contentHeight = max(1, Int((fh * w / fw).rounded()))
        geometry.contentY = (spec.height - geometry.contentHeight) / 2
      } else {
        geometry.contentWidth = max(1, Int((fw * h / fh).rounded()))
        geometry.contentX = (spec.width - geometry.contentWidth) / 2
      }
    case .centerCrop:
      if frameIsWider {
        geometry.sourceWidth = max(1, Int((fh * w / h).rounded()))
        geometry.sourceX = (frameWidth - geometry.sourceWidth) / 2
      } else {
        geometry.sourceHeight = max(1, Int((fw * h / w).rounded()))
        geometry.sourceY = (frameHeight - geometry.sourceHeight) / 2
      }
    }
    return geometry
  }

  /// Bilinear taps along one axis: output pixel `d` of `count` covering [start, start + length)
  /// frame pixels, in a grid subsampled by `factor` with `samples` samples.
  static func referenceTaps(_ d: Int, count: Int, start: Int, length: Int, factor: Int, samples: Int)
    -> (Int, Int, Double)
  {
    let center = Double(start) + (Double(d) + 0.5) * Double(length) / Double(count)
    let position = center / Double(factor) - 0.5
    let fixed = max(0, Int((position * 2048 + 0.5).rounded(.down)))
    let index = fixed / 2048
    return (min(index, samples - 1), min(index + 1, samples - 1), Double(fixed % 2048) / 2048)
  }

  /// RGB (0...255, unclamped) of output content pixel (x, y).
  static func referenceRGB(
    _ image: TestImage, _ spec: PreprocessSpec, _ geometry: PreprocessGeometry, x: Int, y: Int
  )
    -> [Double]
  {
    var channels = [Double]()
    for channel in 0..<3 {
      let (fx, fy) = channel == 0 || !image.isYUV ? (1, 1) : image.chromaSubsampling
      let columns = (image.width + fx - 1) / fx
      let rows = (image.height + fy - 1) / fy
      let (x0, x1, wx) = referenceTaps(
        x, count: geometry.contentWidth, start: geometry.sourceX, length: geometry.sourceWidth, factor: fx,
        samples: columns)
      let (y0, y1, wy) = referenceTaps(
        y, count: geometry.contentHeight, start: geometry.sourceY, length: geometry.sourceHeight, factor: fy,
        samples: rows)
      let top = image.sample(channel, x: x0, y: y0) * (1 - wx) + image.sample(channel, x: x1, y: y0) * wx
      let bottom = image.sample(channel, x: x0, y: y1) * (1 - wx) + image.sample(channel, x: x1, y: y1) * wx
      channels.append(top * (1 - wy) + bottom * wy)
    }
    guard image.isYUV else { return channels }
    let (kr, kb) = spec.yuvMatrix == .bt601 ? (0.299, 0.114) : (0.2126, 0.0722)
    let kg = 1 - kr - kb
    let limited = spec.yuvRange == .limited
    let luma = limited ? (channels[0] - 16) * 255 / 219 : channels[0]
    let u = (channels[1] - 128) * (limited ? 255.0 / 224 : 1)
    let v = (channels[2] - 128) * (limited ? 255.0 / 224 : 1)
    return [
      luma + 2 * (1 - kr) * v,
      luma - 2 * kb * (1 - kb) / kg * u - 2 * kr * (1 - kr) / kg * v,
      luma + 2 * (1 - kb) * u,
    ]
  }

  /// The encoded element for a pixel value of red (0), green (1) or blue (2).
  static func referenceEncode(_ value: Double, color: Int, _ spec: PreprocessSpec) -> Double {
    let pixel = min(max(value, 0), 255)
    let tensorChannel = spec.channelOrder == .rgb ? color : 2 - color
    switch spec.encoding {
    case .float32(let normalization):
      return (pixel / 255 - Double(normalization.mean[color])) / Double(normalization.std[color])
    case .uint8:
      return pixel.rounded(.toNearestOrEven)
    case .quantized(let type, let quantization, let normalization):
      let normalized = (pixel / 255 - Double(normalization.mean[color])) / Double(normalization.std[color])
      let index = quantization.scales.count == 1 ? 0 : tensorChannel
      return Double(
        Quantization.quantize(
          Float(normalized), scale: quantization.scales[index], zeroPoint: quantization.zeroPoints[index],
          type: type))
    }
  }

  /// The whole reference tensor, in the spec's layout and channel order.
  static func reference(_ image: TestImage, _ spec: PreprocessSpec) -> [Double] {
    let geometry = referenceGeometry(spec, frameWidth: image.width, frameHeight: image.height)
    var output = [Double](repeating: .nan, count: 3 * spec.width * spec.height)
    for y in 0..<spec.height {
      for x in 0..<spec.width {
        let inside =
          (geometry.contentX..<(geometry.contentX + geometry.contentWidth)).contains(x)
          && (geometry.contentY..<(geometry.contentY + geometry.contentHeight)).contains(y)
        var rgb: [Double]
        if inside {
          rgb = referenceRGB(image, spec, geometry, x: x - geometry.contentX, y: y - geometry.contentY)
        } else if case .letterbox(let pad) = spec.resize {
          rgb = [Double(pad.red), Double(pad.green), Double(pad.blue)]
        } else {
          rgb = [.nan, .nan, .nan]
        }
        for color in 0..<3 {
          let channel = spec.channelOrder == .rgb ? color : 2 - color
          let index =
            spec.layout == .nchw
            ? (channel * spec.height + y) * spec.width + x : (y * spec.width + x) * 3 + channel
          output[index] = referenceEncode(rgb[color], color: color, spec)
        }
      }
    }
    return output
  }

  // MARK: Helpers

  static func values(of tensor: Tensor) -> [Double] {
    switch tensor.elementType {
    case .float32: tensor.withElements(as: Float.self) { $0.map(Double.init) }
    case .uint8: tensor.withElements(as: UInt8.self) { $0.map(Double.init) }
    case .int8: tensor.withElements(as: Int8.self) { $0.map(Double.init) }
    case .int32: tensor.withElements(as: Int32.self) { $0.map(Double.init) }
    }
  }

  static func run(_ image: TestImage, _ spec: PreprocessSpec) throws -> [Double] {
    let preprocessor = try Preprocessor(spec: spec)
    let tensor = try preprocessor.makeOutputTensor()
    try preprocessor.process(image.frame, into: tensor)
    return values(of: tensor)
  }

  /// Compares with the tolerances the suite's documentation states.
  static func expectClose(
    _ actual: [Double], _ expected: [Double], _ spec: PreprocessSpec, _ context: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    var worst = 0.0
    var differing = 0
    var firstBad: Int?
    for index in 0..<min(actual.count, expected.count) {
      let difference = abs(actual[index] - expected[index])
      let allowed: Double
      switch spec.encoding {
      case .float32(let normalization):
        // 1e-4 of a pixel level in output units (largest for the smallest std).
        allowed = 1e-4 / (255 * Double(normalization.std.min()!)) + 1e-6 * abs(expected[index])
      case .uint8, .quantized: allowed = 1
      }
      if !(difference <= allowed), firstBad == nil { firstBad = index }
      if difference > 0 { differing += 1 }
      worst = max(worst, difference)
    }
    if let firstBad {
      Issue.record(
        "\(context): element \(firstBad) is \(actual[firstBad]), not \(expected[firstBad]) (worst \(worst))",
        sourceLocation: sourceLocation)
    }
    if spec.elementType != .float32 {
      #expect(
        differing * 200 <= actual.count, "\(context): \(differing) of \(actual.count) elements differ",
        sourceLocation: sourceLocation)
    }
  }

  static let supportedFormats: [PixelFormat] = [
    .yuyv, .uyvy, .nv12, .yuv420p, .yuv422p, .yuv444p, .rgb24, .bgr24, .gray8,
  ]

  // MARK: Against the reference

  @Test(arguments: supportedFormats)
  func matchesReferenceOnOddSizesAndPaddedRows(format: PixelFormat) throws {
    let cases: [(width: Int, height: Int, spec: PreprocessSpec)] = [
      (97, 61, PreprocessSpec(width: 40, height: 32, encoding: .float32(.imageNet))),
      (33, 47, PreprocessSpec(width: 21, height: 19, resize: .stretch, encoding: .float32(.unitRange))),
      (13, 9, PreprocessSpec(width: 30, height: 22, resize: .centerCrop, layout: .nhwc)),  // upscale
      (1, 1, PreprocessSpec(width: 5, height: 3, resize: .stretch)),
      (
        2, 3,
        PreprocessSpec(width: 7, height: 9, resize: .letterbox(padding: RGBColor(red: 1, green: 2, blue: 3)))
      ),
    ]
    for (number, item) in cases.enumerated() {
      let image = TestImage(
        random: format, width: item.width, height: item.height, extraPitch: 5 + number, seed: UInt64(number))
      let context = "\(format) \(item.width)x\(item.height) -> \(item.spec.width)x\(item.spec.height)"
      Self.expectClose(try Self.run(image, item.spec), Self.reference(image, item.spec), item.spec, context)
    }
  }

  @Test(arguments: [YUVMatrix.bt601, .bt709], [YUVRange.limited, .full])
  func colorMatrixAndRange(matrix: YUVMatrix, range: YUVRange) throws {
    let image = TestImage(random: .nv12, width: 161, height: 91, extraPitch: 3, seed: 11)
    for encoding in [OutputEncoding.float32(.unitRange), .uint8] {
      let spec = PreprocessSpec(
        width: 64, height: 48, resize: .stretch, encoding: encoding, yuvMatrix: matrix, yuvRange: range)
      Self.expectClose(
        try Self.run(image, spec), Self.reference(image, spec), spec, "\(matrix) \(range) \(encoding)")
    }
  }

  @Test func quantizedOutputs() throws {
    let image = TestImage(random: .yuv420p, width: 127, height: 75, extraPitch: 1, seed: 5)
    let encodings: [(OutputEncoding, TensorLayout)] = [
      (.quantized(.int8, Quantization(scale: 0.018, zeroPoint: -3), .imageNet), .nchw),
      (.quantized(.uint8, Quantization(scale: 1.0 / 255, zeroPoint: 0), .unitRange), .nhwc),
      (
        .quantized(
          .uint8, Quantization(scales: [0.02, 0.017, 0.019], zeroPoints: [120, 128, 131], axis: 1), .imageNet),
        .nchw
      ),
      (
        .quantized(
          .int8, Quantization(scales: [0.03, 0.02, 0.025], zeroPoints: [0, 5, -7], axis: 3), .imageNet), .nhwc
      ),
    ]
    for (encoding, layout) in encodings {
      for order in ChannelOrder.allCases {
        let spec = PreprocessSpec(
          width: 48, height: 40, layout: layout, encoding: encoding, channelOrder: order)
        Self.expectClose(
          try Self.run(image, spec), Self.reference(image, spec), spec, "\(encoding) \(layout) \(order)")
      }
    }
  }

  @Test func frameSizeAndFormatChangesRebuildTheSampling() throws {
    let spec = PreprocessSpec(width: 32, height: 24, encoding: .uint8)
    let preprocessor = try Preprocessor(spec: spec)
    let tensor = try preprocessor.makeOutputTensor()
    let images = [
      TestImage(random: .nv12, width: 64, height: 36, extraPitch: 0, seed: 1),
      TestImage(random: .nv12, width: 50, height: 50, extraPitch: 2, seed: 2),
      TestImage(random: .yuyv, width: 50, height: 50, extraPitch: 0, seed: 3),
      TestImage(random: .nv12, width: 64, height: 36, extraPitch: 0, seed: 4),
    ]
    for image in images {
      try preprocessor.process(image.frame, into: tensor)
      #expect(
        preprocessor.geometry
          == Self.referenceGeometry(spec, frameWidth: image.width, frameHeight: image.height))
      Self.expectClose(
        Self.values(of: tensor), Self.reference(image, spec), spec, "\(image.format) \(image.width)")
    }
  }

  /// The SIMD variant on the tables the preprocessor really builds (windows, gathers near row
  /// ends, scalar tails) equals the scalar reference bit for bit.
  @Test(arguments: supportedFormats)
  func simdAndScalarKernelsAgreeBitForBit(format: PixelFormat) throws {
    let features = hiyari_cpu_features_detected()
    let cases: [(width: Int, height: Int, spec: PreprocessSpec)] = [
      (1280, 720, PreprocessSpec(width: 320, height: 192)),
      (641, 359, PreprocessSpec(width: 213, height: 97, resize: .centerCrop, encoding: .uint8)),
      (
        1921, 1081,
        PreprocessSpec(
          width: 300, height: 300, layout: .nhwc,
          encoding: .quantized(.int8, Quantization(scale: 0.02, zeroPoint: 3), .imageNet), channelOrder: .bgr)
      ),
      (99, 77, PreprocessSpec(width: 160, height: 128, resize: .stretch, encoding: .float32(.imageNet))),
    ]
    for (number, item) in cases.enumerated() {
      let image = TestImage(
        random: format, width: item.width, height: item.height, extraPitch: number, seed: UInt64(number))
      let preprocessor = try Preprocessor(spec: item.spec)
      let simd = try preprocessor.makeOutputTensor()
      let scalar = try preprocessor.makeOutputTensor()
      try preprocessor.process(image.frame, into: simd, cpuFeatures: features)
      try preprocessor.process(image.frame, into: scalar, cpuFeatures: 0)
      #expect(
        Array(simd.bytes) == Array(scalar.bytes),
        "\(format) \(item.width)x\(item.height) -> \(item.spec.width)x\(item.spec.height)")
    }
  }

  // MARK: Geometry, layout, order

  @Test func letterboxGeometryAndBars() throws {
    let pad = RGBColor(red: 10, green: 200, blue: 114)
    let spec = PreprocessSpec(width: 320, height: 192, resize: .letterbox(padding: pad), encoding: .uint8)
    let geometry = try spec.geometry(frameWidth: 1280, frameHeight: 720)
    #expect(
      geometry
        == PreprocessGeometry(
          frameWidth: 1280, frameHeight: 720, sourceX: 0, sourceY: 0, sourceWidth: 1280, sourceHeight: 720,
          contentX: 0, contentY: 6, contentWidth: 320, contentHeight: 180))
    #expect(geometry.scaleX == 0.25 && geometry.scaleY == 0.25)
    #expect(geometry.offsetX == 0 && geometry.offsetY == 6)
    let corner = geometry.modelPoint(fromFrameX: 1280, y: 720)
    #expect(corner.x == 320 && corner.y == 186)
    let back = geometry.framePoint(fromModelX: 160, y: 96)
    #expect(back.x == 640 && back.y == 360)

    // A portrait frame gets bars left and right; an odd remainder puts the extra column right.
    let pillar = try spec.geometry(frameWidth: 480, frameHeight: 641)
    #expect(pillar.contentHeight == 192 && pillar.contentWidth == 144 && pillar.contentX == 88)
    let odd = try PreprocessSpec(width: 101, height: 50).geometry(frameWidth: 100, frameHeight: 50)
    #expect(odd.contentX == 0 && odd.contentWidth == 100)

    // The bars hold the pad color exactly, in every layout and order; content does not.
    let image = TestImage(.nv12, width: 1280, height: 720) { _ in 128 }
    for layout in [TensorLayout.nchw, .nhwc] {
      for order in ChannelOrder.allCases {
        var variant = spec
        variant.layout = layout
        variant.channelOrder = order
        let output = try Self.run(image, variant)
        let expected = order == .rgb ? [10.0, 200, 114] : [114.0, 200, 10]
        for y in [0, 5, 186, 191] {
          for x in [0, 137, 319] {
            for channel in 0..<3 {
              let index = layout == .nchw ? (channel * 192 + y) * 320 + x : (y * 320 + x) * 3 + channel
              #expect(
                output[index] == expected[channel], "\(layout) \(order) bar (\(x), \(y)) channel \(channel)")
            }
          }
        }
        // Y = U = V = 128 (limited range) is gray 130.
        #expect(output[layout == .nchw ? 6 * 320 : 6 * 320 * 3] == 130)
      }
    }
  }

  @Test func centerCropSamplesOnlyTheMiddle() throws {
    let spec = PreprocessSpec(width: 320, height: 192, resize: .centerCrop, encoding: .uint8)
    let geometry = try spec.geometry(frameWidth: 1280, frameHeight: 720)
    #expect(geometry.sourceX == 40 && geometry.sourceWidth == 1200 && geometry.sourceHeight == 720)
    #expect(geometry.contentWidth == 320 && geometry.contentHeight == 192)
    #expect(geometry.offsetX == -40 * 320.0 / 1200)
    // Red in the 40 columns cropped off each side must not bleed in; the rest is pure green.
    var column = 0
    let image = TestImage(.rgb24, width: 1280, height: 720) { _ in
      defer { column = (column + 1) % (3 * 1280) }
      let x = column / 3
      let isRed = x < 40 || x >= 1240
      return column % 3 == (isRed ? 0 : 1) ? 255 : 0
    }
    let output = try Self.run(image, spec)
    #expect(output[0..<(320 * 192)].allSatisfy { $0 == 0 }, "red channel")
    #expect(output[(320 * 192)..<(2 * 320 * 192)].allSatisfy { $0 == 255 }, "green channel")
  }

  @Test func nhwcIsTheTransposeOfNCHWAndBGRReversesChannels() throws {
    let image = TestImage(random: .uyvy, width: 99, height: 57, extraPitch: 4, seed: 9)
    let planar = try Self.run(image, PreprocessSpec(width: 33, height: 25, encoding: .float32(.imageNet)))
    let interleaved = try Self.run(
      image, PreprocessSpec(width: 33, height: 25, layout: .nhwc, encoding: .float32(.imageNet)))
    let bgr = try Self.run(
      image, PreprocessSpec(width: 33, height: 25, encoding: .float32(.imageNet), channelOrder: .bgr))
    let plane = 33 * 25
    for pixel in 0..<plane {
      for channel in 0..<3 {
        #expect(planar[channel * plane + pixel] == interleaved[pixel * 3 + channel])
        #expect(planar[channel * plane + pixel] == bgr[(2 - channel) * plane + pixel])
      }
    }
    #expect(planar[0] != planar[2 * plane], "the test image is not gray")
  }

  @Test func knownColorsLandWhereExpected() throws {
    // Pure red in BT.601 limited range: Y 81, U 90, V 240.
    var position = 0
    let image = TestImage(.yuv420p, width: 6, height: 4) { _ in
      defer { position += 1 }
      return position < 24 ? 81 : position < 30 ? 90 : 240
    }
    let spec = PreprocessSpec(width: 3, height: 2, resize: .stretch, encoding: .uint8)
    let output = try Self.run(image, spec)
    #expect(output[0..<6].allSatisfy { $0 >= 254 }, "red \(output[0..<6])")
    #expect(output[6..<18].allSatisfy { $0 <= 1 }, "green and blue \(output[6..<18])")
    var scaled = spec
    scaled.encoding = .float32(ChannelNormalization(scale: 1))
    #expect(abs(try Self.run(image, scaled)[0] - 254.6) < 0.5)
  }

  // MARK: Errors

  @Test func badSpecsAreRefusedWithTheReason() {
    func refusal(_ spec: PreprocessSpec) -> PreprocessError? {
      do {
        _ = try Preprocessor(spec: spec)
        return nil
      } catch { return error }
    }
    #expect(refusal(PreprocessSpec(width: 0, height: 10)) == .invalidOutputSize(width: 0, height: 10))
    #expect(
      refusal(PreprocessSpec(width: 10, height: 20_000)) == .invalidOutputSize(width: 10, height: 20_000))
    let zeroStd = refusal(
      PreprocessSpec(
        width: 8, height: 8, encoding: .float32(ChannelNormalization(mean: [0, 0, 0], std: [1, 0, 1]))))
    #expect(zeroStd?.description.contains("std") == true)
    let twoMeans = refusal(
      PreprocessSpec(
        width: 8, height: 8, encoding: .float32(ChannelNormalization(mean: [0, 0], std: [1, 1]))))
    if case .invalidNormalization = twoMeans {
    } else {
      Issue.record("two means accepted: \(String(describing: twoMeans))")
    }
    let badQuantizations: [(OutputEncoding, TensorLayout, String)] = [
      (.quantized(.float32, Quantization(scale: 1, zeroPoint: 0), .unitRange), .nchw, "not int8 or uint8"),
      (.quantized(.int8, Quantization(scale: 0, zeroPoint: 0), .unitRange), .nchw, "positive"),
      (.quantized(.int8, Quantization(scale: 1, zeroPoint: 128), .unitRange), .nchw, "range"),
      (.quantized(.uint8, Quantization(scale: 1, zeroPoint: -1), .unitRange), .nchw, "range"),
      (
        .quantized(.uint8, Quantization(scales: [1, 1, 1], zeroPoints: [0, 0, 0], axis: 1), .unitRange),
        .nhwc, "axis"
      ),
      (
        .quantized(.uint8, Quantization(scales: [1, 1], zeroPoints: [0, 0], axis: 1), .unitRange), .nchw,
        "1 or 3"
      ),
    ]
    for (encoding, layout, reason) in badQuantizations {
      let error = refusal(PreprocessSpec(width: 8, height: 8, layout: layout, encoding: encoding))
      guard case .invalidQuantization(let text) = error, text.contains(reason) else {
        Issue.record("\(encoding) \(layout): \(String(describing: error))")
        continue
      }
    }
  }

  @Test func badFramesAndTensorsAreRefusedWithTheReason() throws {
    let spec = PreprocessSpec(width: 16, height: 16)
    let preprocessor = try Preprocessor(spec: spec)
    let tensor = try preprocessor.makeOutputTensor()
    func refusal(_ frame: Frame, _ tensor: Tensor) -> PreprocessError? {
      do {
        try preprocessor.process(frame, into: tensor)
        return nil
      } catch { return error }
    }
    let pixels = UnsafeMutableRawPointer.allocate(byteCount: 64 * 64 * 3, alignment: 16)
    defer { pixels.deallocate() }
    let mjpeg = Frame(
      format: .mjpeg, width: 8, height: 8, planes: [FramePlane(base: pixels, bytesPerRow: 8, rows: 8)])
    #expect(refusal(mjpeg, tensor) == .unsupportedFormat(.mjpeg))

    // An odd-width YUYV row needs the whole last macropixel: 4 * 3 bytes for 5 pixels.
    let shortRows = Frame(
      format: .yuyv, width: 5, height: 4, planes: [FramePlane(base: pixels, bytesPerRow: 10, rows: 4)])
    guard case .invalidFrame(let text) = refusal(shortRows, tensor), text.contains("needs at least 12") else {
      Issue.record("short YUYV rows accepted")
      return
    }
    let missingChromaRows = Frame(
      format: .yuv420p, width: 8, height: 7,
      planes: [
        FramePlane(base: pixels, bytesPerRow: 8, rows: 7), FramePlane(base: pixels, bytesPerRow: 4, rows: 3),
        FramePlane(base: pixels, bytesPerRow: 4, rows: 4),
      ])
    guard case .invalidFrame(let rowsText) = refusal(missingChromaRows, tensor), rowsText.contains("plane 1")
    else {
      Issue.record("missing chroma row accepted")
      return
    }
    let empty = Frame(
      format: .gray8, width: 0, height: 8, planes: [FramePlane(base: pixels, bytesPerRow: 8, rows: 8)])
    if case .invalidFrame = refusal(empty, tensor) {} else { Issue.record("empty frame accepted") }

    let good = Frame(
      format: .gray8, width: 8, height: 8, planes: [FramePlane(base: pixels, bytesPerRow: 8, rows: 8)])
    #expect(refusal(good, tensor) == nil)
    let wrongShape = try Tensor(shape: [1, 3, 16, 15], elementType: .float32)
    if case .tensorMismatch = refusal(good, wrongShape) {} else { Issue.record("wrong shape accepted") }
    let wrongType = try Tensor(shape: [1, 3, 16, 16], elementType: .int32)
    if case .tensorMismatch = refusal(good, wrongType) {} else { Issue.record("wrong type accepted") }
    let wrongLayout = try Tensor(shape: [1, 3, 16, 16], elementType: .float32, layout: .nhwc)
    if case .tensorMismatch = refusal(good, wrongLayout) {} else { Issue.record("wrong layout accepted") }

    let quantizedSpec = PreprocessSpec(
      width: 4, height: 4, encoding: .quantized(.int8, Quantization(scale: 0.02, zeroPoint: 0), .unitRange))
    let quantizedPreprocessor = try Preprocessor(spec: quantizedSpec)
    let otherScale = try Tensor(
      shape: [1, 3, 4, 4], elementType: .int8, quantization: Quantization(scale: 0.03, zeroPoint: 0))
    do {
      try quantizedPreprocessor.process(good, into: otherScale)
      Issue.record("a tensor with another quantization was accepted")
    } catch {
      #expect(error.description.contains("quantization"))
    }
  }

  // MARK: Against libswscale

  /// libswscale's conversion of `image` to RGB24 at the given size.
  static func swscaleRGB(
    _ image: TestImage, width: Int, height: Int, matrix: YUVMatrix, range: YUVRange, flags: Int32
  ) -> [UInt8] {
    let sourceFormat = image.format == .nv12 ? AV_PIX_FMT_NV12 : AV_PIX_FMT_YUV420P
    let context = sws_getContext(
      Int32(image.width), Int32(image.height), sourceFormat, Int32(width), Int32(height), AV_PIX_FMT_RGB24,
      flags,
      nil, nil, nil)
    defer { sws_freeContext(context) }
    let coefficients = sws_getCoefficients(matrix == .bt601 ? SWS_CS_ITU601 : SWS_CS_ITU709)
    sws_setColorspaceDetails(
      context, coefficients, range == .full ? 1 : 0, sws_getCoefficients(SWS_CS_DEFAULT), 1, 0, 1 << 16,
      1 << 16)
    var output = [UInt8](repeating: 0, count: width * height * 3)
    let sources: [UnsafePointer<UInt8>?] = image.planes.map { UnsafePointer($0) } + [nil]
    let sourceStrides = image.pitches.map(Int32.init) + [0]
    output.withUnsafeMutableBufferPointer { buffer in
      let destinations: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
      let destinationStrides: [Int32] = [Int32(width * 3), 0, 0, 0]
      _ = sws_scale(context, sources, sourceStrides, 0, Int32(image.height), destinations, destinationStrides)
    }
    return output
  }

  /// Uniform frames isolate the color math from filtering: every output pixel is the same
  /// conversion of one (Y, U, V). libswscale's accurate path uses 15-bit coefficients and integer
  /// rounding of its own, so 1 level of difference is allowed; a wrong coefficient, offset,
  /// range or channel shows up as several levels on some colors of the sweep.
  @Test(arguments: [YUVMatrix.bt601, .bt709], [YUVRange.limited, .full])
  func colorMathAgreesWithLibswscale(matrix: YUVMatrix, range: YUVRange) throws {
    let spec = PreprocessSpec(
      width: 16, height: 8, resize: .stretch, layout: .nhwc, encoding: .uint8, yuvMatrix: matrix,
      yuvRange: range)
    let preprocessor = try Preprocessor(spec: spec)
    let tensor = try preprocessor.makeOutputTensor()
    var worst = 0
    var compared = 0
    // Limited range sweeps only legal codes: libswscale's integer path overflows on some illegal
    // ones (Y 240, U 255 comes out with blue 0).
    let (lumaCodes, chromaCodes) =
      range == .limited
      ? (Array(stride(from: 16, through: 235, by: 13)), Array(stride(from: 16, through: 240, by: 14)))
      : (Array(stride(from: 0, through: 255, by: 15)), Array(stride(from: 0, through: 255, by: 17)))
    for y in lumaCodes {
      for u in chromaCodes {
        for v in chromaCodes {
          var index = 0
          let image = TestImage(.nv12, width: 32, height: 16) { _ in
            defer { index += 1 }
            return UInt8(index < 32 * 16 ? y : index % 2 == 0 ? u : v)
          }
          try preprocessor.process(image.frame, into: tensor)
          let ours = Self.values(of: tensor)
          let theirs = Self.swscaleRGB(
            image, width: 16, height: 8, matrix: matrix, range: range,
            flags: SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT)
          for element in 0..<ours.count {
            worst = max(worst, abs(Int(ours[element]) - Int(theirs[element])))
          }
          compared += 1
        }
      }
    }
    #expect(compared == lumaCodes.count * chromaCodes.count * chromaCodes.count && compared > 4000)
    #expect(worst <= 1, "\(matrix) \(range): worst difference from libswscale \(worst) levels")
  }

  /// A 1280x720 frame with exactly linear ramps (1 level per sample in Y, U and V) around its
  /// center, downscaled to 320x180 as the benchmark does. Any symmetric, normalized filter
  /// reproduces a linear function, so libswscale's wider bilinear (downscaling widens its tent to
  /// about 8 source pixels) and our 2-tap bilinear agree there exactly, up to rounding, if and
  /// only if pixel centers and chroma siting line up: sampling half an output pixel off (1.5
  /// frame pixels, the classic corner-aligned bug) would cost about 3 levels. Rounding (ours
  /// once, libswscale's in integer stages) stays within 1.
  @Test(arguments: [PixelFormat.nv12, .yuv420p])
  func resizedRampsAgreeWithLibswscale(format: PixelFormat) throws {
    let (width, height) = (1280, 720)
    func clamped(_ value: Int) -> UInt8 { UInt8(min(max(value, 0), 255)) }
    let image = TestImage(format, width: width, height: height) { _ in 0 }
    for y in 0..<height {
      for x in 0..<width { image.planes[0][y * image.pitches[0] + x] = clamped(100 + (x - 640) + (y - 360)) }
    }
    for y in 0..<(height / 2) {
      for x in 0..<(width / 2) {
        let (u, v) = (clamped(128 + (x - 320)), clamped(128 + (y - 180)))
        if format == .nv12 {
          image.planes[1][y * image.pitches[1] + 2 * x] = u
          image.planes[1][y * image.pitches[1] + 2 * x + 1] = v
        } else {
          image.planes[1][y * image.pitches[1] + x] = u
          image.planes[2][y * image.pitches[2] + x] = v
        }
      }
    }
    let spec = PreprocessSpec(width: 320, height: 180, resize: .stretch, layout: .nhwc, encoding: .uint8)
    let ours = try Self.run(image, spec)
    let theirs = Self.swscaleRGB(
      image, width: 320, height: 180, matrix: .bt601, range: .limited,
      flags: SWS_BILINEAR | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT)
    // Output columns 150...170 and rows 80...100 sample frame pixels (601...682, 321...402), where every
    // ramp stays unclamped across either filter's footprint.
    var worst = 0
    var varied = Set<Int>()
    for y in 80...100 {
      for x in 150...170 {
        for channel in 0..<3 {
          let element = (y * 320 + x) * 3 + channel
          worst = max(worst, abs(Int(ours[element]) - Int(theirs[element])))
          varied.insert(Int(ours[element]))
        }
      }
    }
    #expect(varied.count > 100, "the compared region is not a ramp")
    #expect(worst <= 1, "\(format): worst difference from libswscale \(worst) levels")
  }
}
