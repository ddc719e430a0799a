import CKernels
import Testing

/// The preprocessing kernels: every SIMD variant must equal the scalar reference bit for bit, and
/// the scalar reference must follow the math its header documents.
///
/// Variants are chosen by passing feature bits straight to `hiyari_preprocess` rather than through
/// `hiyari_cpu_features_mask`: the mask is process-wide and other suites run in parallel.
@Suite struct PreprocessKernelTests {
  /// SplitMix64: deterministic, so a failure reproduces.
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
    mutating func float(_ range: ClosedRange<Float>) -> Float {
      range.lowerBound + Float(next() >> 40) / Float(1 << 24) * (range.upperBound - range.lowerBound)
    }
  }

  /// One channel's source samples and tables, owned by Swift arrays.
  struct ChannelData {
    var pixels: [UInt8]
    var pitch: Int
    var offset0: [Int32]
    var offset1: [Int32]
    var weights: [Int32]
    var rowIndex0: [Int32]
    var rowIndex1: [Int32]
    var rowWeight: [Int32]
    var tapsWithin4Bytes: Bool
    /// Empty, or the windows `hiyari_preprocess_plan_windows` planned for the offsets.
    var windowStarts: [Int32]
    var windowShuffles: [UInt8]
    /// Leading columns, in whole blocks of 8, that have windows or whose taps can all be read
    /// with 4-byte loads inside `pixels`' last row.
    var safeColumns: Int
    var windowedBlocks: Int
  }

  struct RandomJob {
    var width: Int
    var height: Int
    var channels: [ChannelData]
    var isYUV: Bool
    var conversion: [Float]
    var scale: [Float]
    var bias: [Float]
    var outputType: Int32
    var pixelStride: Int
    var rowStride: Int

    var elementSize: Int { outputType == Int32(HIYARI_PP_FLOAT32) ? 4 : 1 }
    var outputElements: Int { (height - 1) * rowStride + (width - 1) * pixelStride + 1 + 7 }
  }

  static func makeChannel(_ random: inout Random, width: Int, height: Int) -> ChannelData {
    let sampleStride = random.int(1...4)
    let samples = random.int(1...40)
    let rows = random.int(1...12)
    let rowBytes = (samples - 1) * sampleStride + 1
    let pitch = rowBytes + random.int(0...9)
    // The last row ends the buffer, as the last row of a camera buffer may end a mapping.
    let pixels = (0..<((rows - 1) * pitch + rowBytes)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
    var channel = ChannelData(
      pixels: pixels, pitch: pitch, offset0: [], offset1: [], weights: [], rowIndex0: [], rowIndex1: [],
      rowWeight: [], tapsWithin4Bytes: sampleStride <= 3, windowStarts: [], windowShuffles: [],
      safeColumns: 0,
      windowedBlocks: 0)
    // Half the channels get taps like a resize's (monotonic, so windows fit), half random ones:
    // most where 4-byte loads fit, the last few anywhere, as at the end of a real row.
    let resizeLike = random.int(0...1) == 1
    let loadableSamples = (rowBytes - 4) / sampleStride
    for column in 0..<width {
      var sample: Int
      if resizeLike {
        sample = min(samples - 1, (2 * column + 1) * samples / (2 * width))
      } else {
        let lastSample = column < width - 3 && loadableSamples >= 1 ? loadableSamples - 1 : samples - 1
        sample = random.int(0...lastSample)
      }
      let next = min(sample + random.int(0...1), samples - 1)
      let weight = [0, Int(HIYARI_PP_WEIGHT_ONE), random.int(0...Int(HIYARI_PP_WEIGHT_ONE))][
        random.int(0...2)]
      channel.offset0.append(Int32(sample * sampleStride))
      channel.offset1.append(Int32(next * sampleStride))
      channel.weights.append(Int32(Int(HIYARI_PP_WEIGHT_ONE) - weight) | Int32(weight) << 16)
    }
    let blocks = width / 8
    if random.int(0...3) > 0 {
      channel.windowStarts = [Int32](repeating: 7, count: 2 * blocks + 2)
      channel.windowShuffles = [UInt8](repeating: 0, count: 32 * blocks + 32)
      channel.windowedBlocks = Int(
        hiyari_preprocess_plan_windows(
          channel.offset0, channel.offset1, Int32(width), Int32(rowBytes), &channel.windowStarts,
          &channel.windowShuffles))
    }
    for block in 0..<blocks {
      let windowed = !channel.windowStarts.isEmpty && channel.windowStarts[2 * block] >= 0
      let gatherable = (8 * block..<8 * block + 8).allSatisfy { Int(channel.offset1[$0]) + 4 <= rowBytes }
      guard windowed || gatherable else { break }
      channel.safeColumns += 8
    }
    for _ in 0..<height {
      let row = random.int(0...(rows - 1))
      channel.rowIndex0.append(Int32(row))
      channel.rowIndex1.append(Int32(random.int(0...(rows - 1))))
      let weight = [0, Int(HIYARI_PP_WEIGHT_ONE), random.int(0...Int(HIYARI_PP_WEIGHT_ONE))][
        random.int(0...2)]
      channel.rowWeight.append(Int32(weight))
    }
    return channel
  }

  static func makeJob(_ random: inout Random) -> RandomJob {
    let width = random.int(1...70)
    let height = random.int(1...6)
    let pixelStride = [1, 3][random.int(0...1)]
    let types = [Int32(HIYARI_PP_FLOAT32), Int32(HIYARI_PP_UINT8), Int32(HIYARI_PP_INT8)]
    return RandomJob(
      width: width, height: height,
      channels: (0..<3).map { _ in makeChannel(&random, width: width, height: height) },
      isYUV: random.int(0...1) == 1,
      conversion: [
        random.float(0...20), random.float(0.9...1.2), random.float(1...2), random.float(0...0.5),
        random.float(0.5...1), random.float(1.5...2.2),
      ],
      scale: (0..<3).map { _ in random.float(-3...3) }, bias: (0..<3).map { _ in random.float(-150...150) },
      outputType: types[random.int(0...2)], pixelStride: pixelStride,
      rowStride: width * pixelStride + random.int(0...5))
  }

  /// Copies of arrays in manually managed memory, so C can hold pointers to them for a call.
  final class PinnedStorage {
    private var allocations: [UnsafeMutableRawPointer] = []
    func pin<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
      let pointer = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
      pointer.initialize(from: values, count: values.count)
      allocations.append(UnsafeMutableRawPointer(pointer))
      return pointer
    }
    deinit { allocations.forEach { $0.deallocate() } }
  }

  /// Runs `job` with `features`; returns each channel's output bytes (initially 0xA5 everywhere).
  static func run(_ job: RandomJob, features: UInt32) -> [[UInt8]] {
    let storage = PinnedStorage()
    let outputBytes = job.outputElements * job.elementSize
    let outputs = (0..<3).map { _ in storage.pin([UInt8](repeating: 0xA5, count: outputBytes)) }
    func channel(_ index: Int) -> hiyari_pp_channel {
      let data = job.channels[index]
      var channel = hiyari_pp_channel()
      channel.base = UnsafePointer(storage.pin(data.pixels))
      channel.row_pitch = data.pitch
      channel.column_offset0 = UnsafePointer(storage.pin(data.offset0))
      channel.column_offset1 = UnsafePointer(storage.pin(data.offset1))
      channel.column_weights = UnsafePointer(storage.pin(data.weights))
      channel.row_index0 = UnsafePointer(storage.pin(data.rowIndex0))
      channel.row_index1 = UnsafePointer(storage.pin(data.rowIndex1))
      channel.row_weight = UnsafePointer(storage.pin(data.rowWeight))
      channel.taps_within_4_bytes = data.tapsWithin4Bytes ? 1 : 0
      if !data.windowStarts.isEmpty {
        channel.window_start = UnsafePointer(storage.pin(data.windowStarts))
        channel.window_shuffle = UnsafePointer(storage.pin(data.windowShuffles))
      }
      return channel
    }
    var cJob = hiyari_pp_job()
    cJob.channel = (channel(0), channel(1), channel(2))
    cJob.width = Int32(job.width)
    cJob.height = Int32(job.height)
    cJob.vector_columns = Int32(job.channels.map(\.safeColumns).min()!)
    cJob.source_is_yuv = job.isYUV ? 1 : 0
    let c = job.conversion
    (cJob.luma_offset, cJob.luma_scale, cJob.red_from_v) = (c[0], c[1], c[2])
    (cJob.green_from_u, cJob.green_from_v, cJob.blue_from_u) = (c[3], c[4], c[5])
    cJob.output_scale = (job.scale[0], job.scale[1], job.scale[2])
    cJob.output_bias = (job.bias[0], job.bias[1], job.bias[2])
    cJob.output_type = job.outputType
    cJob.output = (
      UnsafeMutableRawPointer(outputs[0]), UnsafeMutableRawPointer(outputs[1]),
      UnsafeMutableRawPointer(outputs[2])
    )
    cJob.output_pixel_stride = job.pixelStride
    cJob.output_row_stride = job.rowStride
    hiyari_preprocess(&cJob, features)
    return outputs.map { Array(UnsafeBufferPointer(start: $0, count: outputBytes)) }
  }

  /// The header's documented math, in Swift Float (which never fuses multiply-adds).
  static func expected(_ job: RandomJob, channel: Int, x: Int, y: Int) -> [UInt8] {
    func sample(_ c: Int) -> Float {
      let data = job.channels[c]
      let one = Int(HIYARI_PP_WEIGHT_ONE)
      let weights = UInt32(bitPattern: data.weights[x])
      let (left, right) = (Int(weights & 0xffff), Int(weights >> 16))
      func horizontal(_ row: Int32) -> Int {
        let start = Int(row) * data.pitch
        return Int(data.pixels[start + Int(data.offset0[x])]) * left
          + Int(data.pixels[start + Int(data.offset1[x])]) * right
      }
      let wy = Int(data.rowWeight[y])
      let value = horizontal(data.rowIndex0[y]) * (one - wy) + horizontal(data.rowIndex1[y]) * wy
      return Float(Int32(value)) * (1.0 / 4_194_304.0)
    }
    var rgb = [sample(0), sample(1), sample(2)]
    if job.isYUV {
      let c = job.conversion
      let luma = (rgb[0] - c[0]) * c[1]
      let u = rgb[1] - 128
      let v = rgb[2] - 128
      rgb = [luma + c[2] * v, (luma - c[3] * u) - c[4] * v, luma + c[5] * u]
    }
    func clamp(_ value: Float, _ low: Float, _ high: Float) -> Float {
      let raised = value > low ? value : low
      return raised < high ? raised : high
    }
    var encoded = clamp(rgb[channel], 0, 255) * job.scale[channel]
    encoded = encoded + job.bias[channel]
    switch job.outputType {
    case Int32(HIYARI_PP_FLOAT32):
      return withUnsafeBytes(of: encoded) { Array($0) }
    case Int32(HIYARI_PP_UINT8):
      return [UInt8(clamp(encoded, 0, 255).rounded(.toNearestOrEven))]
    default:
      return [UInt8(bitPattern: Int8(clamp(encoded, -128, 127).rounded(.toNearestOrEven)))]
    }
  }

  @Test func simdVariantMatchesScalarBitForBit() {
    let features = hiyari_cpu_features_detected()
    let name = String(cString: hiyari_preprocess_kernel_name(features))
    #if arch(x86_64)
      if features & UInt32(HIYARI_CPU_AVX2) != 0 { #expect(name == "avx2") }
    #endif
    var random = Random(state: 20_261_122)
    var vectorizedPixels = 0
    var windowedBlocks = 0
    for _ in 0..<600 {
      let job = Self.makeJob(&random)
      vectorizedPixels += job.channels.map(\.safeColumns).min()! * job.height
      windowedBlocks += job.channels.map(\.windowedBlocks).reduce(0, +)
      let scalar = Self.run(job, features: 0)
      let simd = Self.run(job, features: features)
      for channel in 0..<3 where scalar[channel] != simd[channel] {
        let byte = scalar[channel].indices.first { scalar[channel][$0] != simd[channel][$0] }!
        Issue.record(
          "\(name) differs from scalar on a \(job.width)x\(job.height) job: channel \(channel) byte \(byte)")
      }
    }
    // The comparison means something only if the vector loop ran on a good share of pixels.
    #expect(vectorizedPixels > 10_000)
    #expect(windowedBlocks > 300)
  }

  @Test func scalarReferenceFollowsTheDocumentedMath() {
    var random = Random(state: 7)
    for _ in 0..<150 {
      let job = Self.makeJob(&random)
      let outputs = Self.run(job, features: 0)
      for channel in 0..<3 {
        for y in 0..<job.height {
          for x in 0..<job.width {
            let start = (y * job.rowStride + x * job.pixelStride) * job.elementSize
            let actual = Array(outputs[channel][start..<(start + job.elementSize)])
            let expected = Self.expected(job, channel: channel, x: x, y: y)
            guard actual == expected else {
              Issue.record("channel \(channel) (\(x), \(y)): \(actual) != \(expected)")
              return
            }
          }
        }
        // Elements between the written ones keep their sentinel: no stray writes.
        var written = Set<Int>()
        for y in 0..<job.height {
          for x in 0..<job.width { written.insert(y * job.rowStride + x * job.pixelStride) }
        }
        for element in 0..<job.outputElements where !written.contains(element) {
          let bytes = outputs[channel][(element * job.elementSize)..<((element + 1) * job.elementSize)]
          #expect(bytes.allSatisfy { $0 == 0xA5 }, "stray write at element \(element)")
        }
      }
    }
  }

  @Test func windowsHoldEveryTapAndStayInsideTheRow() {
    // 16 columns downscaled 3x from 50 samples of stride 1: taps 3x+1 and 3x+2.
    let offset0 = (0..<16).map { Int32(min(3 * $0 + 1, 48)) }
    let offset1 = offset0.map { $0 + 1 }
    var starts = [Int32](repeating: 0, count: 4)
    var shuffles = [UInt8](repeating: 0, count: 64)
    #expect(hiyari_preprocess_plan_windows(offset0, offset1, 16, 50, &starts, &shuffles) == 2)
    for half in 0..<4 {
      #expect(starts[half] >= 0 && starts[half] + 16 <= 50, "window \(half) leaves the row")
      for lane in 0..<4 {
        let column = 4 * half + lane
        let indices = shuffles[(16 * half + 4 * lane)..<(16 * half + 4 * lane + 4)]
        let left = UInt8(offset0[column] - starts[half])
        let right = UInt8(offset1[column] - starts[half])
        #expect(Array(indices) == [left, 0x80, right, 0x80])
      }
    }
    // The last window slid left to end at the row's end rather than past it.
    #expect(starts[3] == 34)
    // Taps 20 bytes apart cannot share a window.
    let spread = (0..<8).map { Int32(20 * $0) }
    #expect(hiyari_preprocess_plan_windows(spread, spread, 8, 200, &starts, &shuffles) == 0)
    #expect(starts[0] == -1 && starts[1] == -1)
  }

  @Test func fillWritesOnlyTheRectangle() {
    var floats = [Float](repeating: -1, count: 5 * 12)
    floats.withUnsafeMutableBytes {
      hiyari_preprocess_fill($0.baseAddress! + 4 * (12 + 3), Int32(HIYARI_PP_FLOAT32), 3, 12, 2, 3, 0.25)
    }
    for row in 0..<5 {
      for column in 0..<12 {
        let inside = (1...3).contains(row) && (column == 3 || column == 6)
        #expect(floats[row * 12 + column] == (inside ? 0.25 : -1))
      }
    }
    var bytes = [UInt8](repeating: 0, count: 4)
    bytes.withUnsafeMutableBytes {
      hiyari_preprocess_fill($0.baseAddress!, Int32(HIYARI_PP_INT8), 1, 4, 4, 1, -3)
    }
    #expect(bytes == [253, 253, 253, 253])
  }

  @Test func noFeaturesMeansScalar() {
    #expect(String(cString: hiyari_preprocess_kernel_name(0)) == "scalar")
  }
}
