import CKernels
import Testing

/// Bit-exactness of the int8 convolution kernels (qconv.h): every path the CPU has, forced through
/// the `features` argument of hiyari_qconv_create, against a direct convolution written here in
/// plain integer arithmetic with the epilogue's float requantization.
@Suite struct QGemmConvTests {
  struct Case: CustomStringConvertible {
    var inChannels = 8, outChannels = 8, height = 7, width = 9, groups = 1
    var kernel = (3, 3), stride = (1, 1), dilation = (1, 1), pad = (1, 1, 1, 1)  // top, left, bottom, right
    var inputSigned = false, outputSigned = false
    var inputZero: Int32 = 0, outputZero: Int32 = 0
    var outputMin: Int32? = nil, outputMax: Int32? = nil
    var extreme = false
    /// Multipliers 2^-4 and 2^-5 with small weights: many results are exact ties n + 0.5, which
    /// must round half to even.
    var ties = false
    var withBias = true
    /// Weights within -64...64 (ONNX Runtime's reduce_range), which AVX2 runs on vpmaddubsw;
    /// with `extreme`, +-64 against 0/255 activations: pair sums of 32640, just below saturation.
    var sevenBit = false
    var seed: UInt64 = 1

    var outHeight: Int { (height + pad.0 + pad.2 - ((kernel.0 - 1) * dilation.0 + 1)) / stride.0 + 1 }
    var outWidth: Int { (width + pad.1 + pad.3 - ((kernel.1 - 1) * dilation.1 + 1)) / stride.1 + 1 }
    var description: String {
      "\(inChannels)->\(outChannels) g\(groups) \(height)x\(width) k\(kernel) s\(stride) d\(dilation) p\(pad)"
        + " in\(inputSigned ? "s8" : "u8") out\(outputSigned ? "s8" : "u8")\(extreme ? " extreme" : "")\(ties ? " ties" : "")"
        + (sevenBit ? " 7-bit" : "")
    }

    var desc: hiyari_qconv_desc {
      var d = hiyari_qconv_desc()
      d.in_channels = Int32(inChannels)
      d.in_height = Int32(height)
      d.in_width = Int32(width)
      d.out_channels = Int32(outChannels)
      d.out_height = Int32(outHeight)
      d.out_width = Int32(outWidth)
      d.groups = Int32(groups)
      d.kernel_height = Int32(kernel.0)
      d.kernel_width = Int32(kernel.1)
      d.stride_height = Int32(stride.0)
      d.stride_width = Int32(stride.1)
      d.dilation_height = Int32(dilation.0)
      d.dilation_width = Int32(dilation.1)
      d.pad_top = Int32(pad.0)
      d.pad_left = Int32(pad.1)
      d.input_zero_point = inputZero
      d.input_is_signed = inputSigned ? 1 : 0
      d.output_zero_point = outputZero
      d.output_is_signed = outputSigned ? 1 : 0
      d.output_min = outputMin ?? (outputSigned ? -128 : 0)
      d.output_max = outputMax ?? (outputSigned ? 127 : 255)
      return d
    }
  }

  struct Data {
    var x: [UInt8], w: [Int8], bias: [Int32], multipliers: [Float]
  }

  /// A small deterministic generator (SplitMix64).
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
      range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }
  }

  static func data(_ c: Case) -> Data {
    var random = Random(state: c.seed)
    let xCount = c.inChannels * c.height * c.width
    let wCount = c.outChannels * (c.inChannels / c.groups) * c.kernel.0 * c.kernel.1
    // "extreme": activations 0/255 and weights -128/127, the values that saturate vpmaddubsw.
    let x = (0..<xCount).map { _ in
      c.extreme ? (random.next() & 1 == 0 ? 0 : 255) : UInt8(truncatingIfNeeded: random.next())
    }
    let w = (0..<wCount).map { _ -> Int8 in
      if c.ties { return Int8(random.int(-3...3)) }
      if c.sevenBit { return c.extreme ? (random.next() & 1 == 0 ? -64 : 64) : Int8(random.int(-64...64)) }
      return c.extreme ? (random.next() & 1 == 0 ? -128 : 127) : Int8(truncatingIfNeeded: random.next())
    }
    let bias = (0..<c.outChannels).map { _ in Int32(random.int(c.ties ? -100...100 : -100_000...100_000)) }
    let k = Float((c.inChannels / c.groups) * c.kernel.0 * c.kernel.1)
    // Multipliers that spread results over the output range, some channels larger than others.
    let multipliers = (0..<c.outChannels).map { channel in
      c.ties
        ? (channel % 2 == 0 ? 0.0625 : 0.03125)
        : Float(random.int(1...4000)) / 1000 / (k * 128 * (c.extreme ? 60 : 8))
    }
    return Data(x: x, w: w, bias: bias, multipliers: multipliers)
  }

  /// The definition: a direct convolution over the raw NCHW input.
  static func reference(_ c: Case, _ data: Data) -> [UInt8] {
    let d = c.desc
    let cg = c.inChannels / c.groups, mg = c.outChannels / c.groups
    let low = Float(d.output_min - d.output_zero_point), high = Float(d.output_max - d.output_zero_point)
    var y = [UInt8](repeating: 0, count: c.outChannels * c.outHeight * c.outWidth)
    for co in 0..<c.outChannels {
      let g = co / mg
      for oh in 0..<c.outHeight {
        for ow in 0..<c.outWidth {
          var acc = 0
          for ci in 0..<cg {
            for kh in 0..<c.kernel.0 {
              for kw in 0..<c.kernel.1 {
                let ih = oh * c.stride.0 - c.pad.0 + kh * c.dilation.0
                let iw = ow * c.stride.1 - c.pad.1 + kw * c.dilation.1
                var value = Int(d.input_zero_point)
                if ih >= 0 && ih < c.height && iw >= 0 && iw < c.width {
                  let byte = data.x[((g * cg + ci) * c.height + ih) * c.width + iw]
                  value = c.inputSigned ? Int(Int8(bitPattern: byte)) + 128 : Int(byte)
                }
                let weight = Int(data.w[((co * cg + ci) * c.kernel.0 + kh) * c.kernel.1 + kw])
                acc += (value - Int(d.input_zero_point)) * weight
              }
            }
          }
          if c.withBias { acc += Int(data.bias[co]) }
          var f = Float(Int32(acc)) * data.multipliers[co]
          f = min(max(f, low), high)
          let q = Int32(f.rounded(.toNearestOrEven)) + d.output_zero_point
          y[(co * c.outHeight + oh) * c.outWidth + ow] = UInt8(truncatingIfNeeded: q)
        }
      }
    }
    return y
  }

  /// Runs the kernels with `features`; `split` packs in odd unit ranges and computes in odd
  /// channel and pixel ranges, as threads would. Returns the output and the path used.
  static func run(_ c: Case, _ data: Data, features: UInt32, split: Bool) -> ([UInt8], Int32) {
    var d = c.desc
    let conv = data.w.withUnsafeBufferPointer { w in
      data.multipliers.withUnsafeBufferPointer { m in
        data.bias.withUnsafeBufferPointer { b in
          hiyari_qconv_create(&d, w.baseAddress, c.withBias ? b.baseAddress : nil, m.baseAddress, features)
        }
      }
    }
    guard let conv else {
      Issue.record("create failed for \(c)")
      return ([], -1)
    }
    defer { hiyari_qconv_destroy(conv) }
    var info = hiyari_qconv_info()
    hiyari_qconv_get_info(conv, &info)
    var buffer = [UInt8](repeating: 0, count: info.buffer_bytes)
    var y = [UInt8](repeating: 0xA5, count: c.outChannels * c.outHeight * c.outWidth)
    buffer.withUnsafeMutableBufferPointer { buffer in
      data.x.withUnsafeBufferPointer { x in
        if split {
          var unit: Int32 = 0
          while unit < info.pack_units {
            hiyari_qconv_pack_input(
              conv, x.baseAddress, buffer.baseAddress, unit, min(unit + 3, info.pack_units))
            unit += 3
          }
        } else {
          hiyari_qconv_pack_input(conv, x.baseAddress, buffer.baseAddress, 0, info.pack_units)
        }
      }
      y.withUnsafeMutableBufferPointer { y in
        if split {
          // Channel ranges that start off the block, pixel ranges off the tile, the pixel ranges
          // last first: a range that wrote past its end would be caught, not overwritten later.
          let step = Int32(max(1, Int(info.channel_block) + 1))
          var channel: Int32 = 0
          while channel < Int32(c.outChannels) {
            for pixel in stride(from: 0, to: info.virtual_pixels, by: 37).reversed() {
              hiyari_qconv_compute(
                conv, buffer.baseAddress, y.baseAddress, channel, channel + step, pixel, pixel + 37)
            }
            channel += step
          }
        } else {
          hiyari_qconv_compute(
            conv, buffer.baseAddress, y.baseAddress, 0, Int32(c.outChannels), 0, info.virtual_pixels)
        }
      }
    }
    return (y, info.path)
  }

  static let cases: [Case] = {
    var list: [Case] = [
      Case(),
      // Odd channel counts (M and K remainders of every tile size), 13 and 24 as in real models.
      Case(inChannels: 13, outChannels: 24, height: 9, width: 11),
      Case(inChannels: 24, outChannels: 13, height: 6, width: 21),
      Case(inChannels: 5, outChannels: 9, height: 5, width: 5, kernel: (1, 1), pad: (0, 0, 0, 0)),
      // The stem: 3 input channels, 3x3 and 6x6 stride 2.
      Case(inChannels: 3, outChannels: 16, height: 24, width: 40, stride: (2, 2)),
      Case(
        inChannels: 3, outChannels: 32, height: 20, width: 30, kernel: (6, 6), stride: (2, 2),
        pad: (2, 2, 2, 2)),
      // 1x1 (no padding, no im2col) and a wide row crossing tiles.
      Case(inChannels: 64, outChannels: 40, height: 6, width: 50, kernel: (1, 1), pad: (0, 0, 0, 0)),
      Case(inChannels: 32, outChannels: 17, height: 3, width: 130, kernel: (1, 1), pad: (0, 0, 0, 0)),
      // Strides and asymmetric padding, dilation, rectangular kernels.
      Case(inChannels: 16, outChannels: 16, height: 13, width: 17, stride: (2, 2), pad: (0, 0, 1, 1)),
      Case(inChannels: 8, outChannels: 12, height: 11, width: 19, stride: (1, 2), pad: (2, 0, 1, 2)),
      Case(inChannels: 7, outChannels: 10, height: 12, width: 12, dilation: (2, 2), pad: (2, 2, 2, 2)),
      Case(inChannels: 6, outChannels: 6, height: 9, width: 14, kernel: (1, 5), pad: (0, 2, 0, 2)),
      Case(
        inChannels: 4, outChannels: 8, height: 10, width: 10, kernel: (3, 3), stride: (3, 3),
        pad: (0, 0, 0, 0)),
      // Padding larger than the kernel reach (rows and columns of pure padding).
      Case(inChannels: 4, outChannels: 5, height: 2, width: 3, pad: (2, 2, 2, 2)),
      // Groups: grouped and depthwise (3x3 stride 1 and 2, 5x5, with multiplier 2 via GEMM).
      Case(inChannels: 12, outChannels: 18, height: 8, width: 8, groups: 3),
      Case(inChannels: 24, outChannels: 24, height: 20, width: 40, groups: 24),
      Case(inChannels: 13, outChannels: 13, height: 15, width: 23, groups: 13, stride: (2, 2)),
      Case(
        inChannels: 32, outChannels: 32, height: 9, width: 70, groups: 32, stride: (2, 2), pad: (0, 0, 1, 1)),
      Case(
        inChannels: 8, outChannels: 8, height: 11, width: 11, groups: 8, kernel: (5, 5), pad: (2, 2, 2, 2)),
      Case(inChannels: 6, outChannels: 12, height: 7, width: 7, groups: 6),
      // int8 inputs (flipped while packing) through the vector packing of stride-2 and wide rows:
      // a 3-channel stem (a padding channel in its quad), GEMM and depthwise.
      Case(
        inChannels: 3, outChannels: 8, height: 20, width: 44, stride: (2, 2), inputSigned: true,
        inputZero: 133),
      Case(
        inChannels: 8, outChannels: 12, height: 9, width: 37, stride: (2, 2), inputSigned: true,
        inputZero: 120),
      Case(
        inChannels: 16, outChannels: 16, height: 11, width: 50, groups: 16, stride: (2, 2), inputSigned: true,
        inputZero: 140),
      Case(
        inChannels: 8, outChannels: 8, height: 10, width: 40, groups: 8, inputSigned: true, inputZero: 100),
      // Quantization variants: int8 in/out, zero points, fused ReLU/ReLU6 clamps, no bias.
      Case(
        inChannels: 16, outChannels: 8, inputSigned: true, outputSigned: true, inputZero: 3 + 128,
        outputZero: -5),
      Case(inChannels: 9, outChannels: 20, inputZero: 200, outputZero: 17, outputMin: 17, withBias: false),
      Case(
        inChannels: 9, outChannels: 20, outputSigned: true, outputZero: -128, outputMin: -128,
        outputMax: -128 + 40),
      Case(
        inChannels: 24, outChannels: 24, groups: 24, inputSigned: true, outputSigned: true,
        inputZero: 128 - 7, outputZero: 10, outputMin: 10),
      // Exact rounding ties (round half to even, not away from zero), in GEMM and depthwise.
      Case(
        inChannels: 8, outChannels: 6, height: 6, width: 20, inputZero: 128, outputZero: 128, ties: true,
        withBias: false),
      Case(
        inChannels: 16, outChannels: 16, height: 6, width: 20, groups: 16, inputZero: 128, outputZero: 128,
        ties: true),
      // Saturation stress: 0/255 activations, -128/127 weights, long K.
      Case(inChannels: 64, outChannels: 16, height: 5, width: 20, extreme: true),
      Case(
        inChannels: 256, outChannels: 8, height: 3, width: 16, kernel: (1, 1), pad: (0, 0, 0, 0),
        extreme: true),
      Case(inChannels: 16, outChannels: 16, height: 6, width: 30, groups: 16, inputZero: 0, extreme: true),
    ]
    // Random shapes.
    var random = Random(state: 42)
    for seed in 0..<24 {
      var c = Case(seed: UInt64(seed + 100))
      let depthwise = random.int(0...3) == 0
      c.groups = depthwise ? random.int(1...20) : (random.int(0...4) == 0 ? random.int(1...3) : 1)
      let cg = depthwise ? 1 : random.int(1...40), mg = depthwise ? 1 : random.int(1...40)
      c.inChannels = cg * c.groups
      c.outChannels = mg * c.groups
      c.height = random.int(1...16)
      c.width = random.int(1...40)
      c.kernel = (random.int(1...3), random.int(1...3))
      c.stride = (random.int(1...2), random.int(1...2))
      c.dilation = (random.int(0...5) == 0 ? 2 : 1, 1)
      c.pad = (random.int(0...2), random.int(0...2), random.int(0...2), random.int(0...2))
      let extentH = (c.kernel.0 - 1) * c.dilation.0 + 1, extentW = (c.kernel.1 - 1) * c.dilation.1 + 1
      if c.height + c.pad.0 + c.pad.2 < extentH { c.pad.2 = extentH }
      if c.width + c.pad.1 + c.pad.3 < extentW { c.pad.3 = extentW }
      c.inputSigned = random.int(0...1) == 1
      c.outputSigned = random.int(0...1) == 1
      c.inputZero = Int32(random.int(0...255))
      c.outputZero = c.outputSigned ? Int32(random.int(-128...127)) : Int32(random.int(0...255))
      if random.int(0...2) == 0 { c.outputMin = c.outputZero }
      list.append(c)
    }
    return list
  }()

  static let detected = hiyari_cpu_features_detected()
  static let avx2 = UInt32(HIYARI_CPU_AVX2 | HIYARI_CPU_FMA)
  static let avxVNNI = avx2 | UInt32(HIYARI_CPU_AVXVNNI)
  static let avx512 = avxVNNI | UInt32(HIYARI_CPU_AVX512F | HIYARI_CPU_AVX512BW | HIYARI_CPU_AVX512VNNI)
  static let neon = UInt32(HIYARI_CPU_NEON)
  static let neonDot = neon | UInt32(HIYARI_CPU_NEON_DOTPROD)
  static func has(_ features: UInt32) -> Bool { detected & features == features }

  /// The path a convolution takes when `features` select `path`: on AVX2, convolutions (GEMM and
  /// depthwise) whose weights all lie within -64...64 take the 7-bit vpmaddubsw path.
  static func expectedPath(_ c: Case, _ data: Data, _ path: Int32) -> Int32 {
    guard path == Int32(HIYARI_QCONV_AVX2), data.w.allSatisfy({ (-64...64).contains($0) }) else {
      return path
    }
    return Int32(HIYARI_QCONV_AVX2_U8S7)
  }

  /// Every case through the path `features` selects must equal the reference exactly; returns how
  /// many cases ran on each path.
  @discardableResult
  func check(features: UInt32, path selected: Int32, cases: [Case] = Self.cases) -> [Int32: Int] {
    var paths: [Int32: Int] = [:]
    for c in cases {
      let data = Self.data(c)
      let reference = Self.reference(c, data)
      let expected = Self.expectedPath(c, data, selected)
      paths[expected, default: 0] += 1
      for split in [false, true] {
        let (output, path) = Self.run(c, data, features: features, split: split)
        #expect(path == expected, "\(c): dispatched to path \(path)")
        let mismatches = zip(output, reference).filter { $0 != $1 }.count
        #expect(
          mismatches == 0 && output.count == reference.count,
          "\(c) split \(split): \(mismatches) of \(reference.count) differ")
      }
    }
    return paths
  }

  @Test func scalarReferenceMatchesTheDirectConvolution() {
    check(features: 0, path: Int32(HIYARI_QCONV_SCALAR))
  }

  @Test func tieCasesContainManyExactTies() {
    let tieCases = Self.cases.filter(\.ties)
    #expect(tieCases.count == 2)
    for c in tieCases {
      // Results exactly n + 0.5 before rounding (the multipliers are powers of two): over 2.5%.
      let ties = Self.tieCount(c, Self.data(c)), results = c.outChannels * c.outHeight * c.outWidth
      #expect(ties * 40 > results, "\(c): only \(ties) ties in \(results) results")
    }
  }

  /// Results of the direct convolution that are exact ties before rounding.
  static func tieCount(_ c: Case, _ data: Data) -> Int {
    var ties = 0
    let cg = c.inChannels / c.groups, mg = c.outChannels / c.groups
    for co in 0..<c.outChannels {
      let g = co / mg
      for oh in 0..<c.outHeight {
        for ow in 0..<c.outWidth {
          var acc = c.withBias ? Int(data.bias[co]) : 0
          for ci in 0..<cg {
            for kh in 0..<c.kernel.0 {
              for kw in 0..<c.kernel.1 {
                let ih = oh * c.stride.0 - c.pad.0 + kh * c.dilation.0,
                  iw = ow * c.stride.1 - c.pad.1 + kw * c.dilation.1
                guard ih >= 0 && ih < c.height && iw >= 0 && iw < c.width else { continue }
                let x = Int(data.x[((g * cg + ci) * c.height + ih) * c.width + iw]) - Int(c.inputZero)
                acc += x * Int(data.w[((co * cg + ci) * c.kernel.0 + kh) * c.kernel.1 + kw])
              }
            }
          }
          let f = Double(acc) * Double(data.multipliers[co])
          if f - f.rounded(.down) == 0.5 && abs(f) < 100 { ties += 1 }
        }
      }
    }
    return ties
  }

  @Test(.enabled(if: has(avx2), "needs AVX2"))
  func avx2PathIsBitExact() {
    check(features: Self.avx2, path: Int32(HIYARI_QCONV_AVX2))
  }

  @Test(.enabled(if: has(avx2), "needs AVX2"))
  func avx2SevenBitPathIsBitExact() {
    let sevenBit = Self.cases.map {
      var c = $0
      c.sevenBit = !c.ties
      return c
    }
    let paths = check(features: Self.avx2, path: Int32(HIYARI_QCONV_AVX2), cases: sevenBit)
    #expect(
      paths[Int32(HIYARI_QCONV_AVX2_U8S7), default: 0] >= 20,
      "7-bit cases run on the vpmaddubsw path: \(paths)")
  }

  @Test(.enabled(if: has(avxVNNI), "needs AVX-VNNI"))
  func avxVNNIPathIsBitExact() {
    check(features: Self.avxVNNI, path: Int32(HIYARI_QCONV_AVXVNNI))
  }

  @Test(.enabled(if: has(avx512), "needs AVX-512 VNNI"))
  func avx512VNNIPathIsBitExact() {
    check(features: Self.avx512, path: Int32(HIYARI_QCONV_AVX512VNNI))
  }

  @Test(.enabled(if: has(neonDot), "needs the NEON dot-product extension"))
  func neonDotPathIsBitExact() {
    check(features: Self.neonDot, path: Int32(HIYARI_QCONV_NEONDOT))
  }

  /// The ARMv8.0 path (smlal on int16), forced on any NEON machine by leaving out the dot product.
  /// It cannot run on x86 hosts, where this test is skipped: there Tests/KernelEmulation/run.sh
  /// checks it under `qemu-aarch64 -cpu cortex-a72` (and -cpu max), against a naive reference.
  @Test(.enabled(if: has(neon), "needs NEON"))
  func neonPathIsBitExact() {
    check(features: Self.neon, path: Int32(HIYARI_QCONV_NEON))
  }

  @Test func dispatchFollowsTheDetectedFeatures() {
    var d = Case().desc
    let w = [Int8](repeating: 100, count: 8 * 8 * 9), m = [Float](repeating: 0.01, count: 8)
    let conv = hiyari_qconv_create(&d, w, nil, m, Self.detected)
    defer { hiyari_qconv_destroy(conv) }
    var info = hiyari_qconv_info()
    hiyari_qconv_get_info(conv, &info)
    let best: Int32 =
      Self.has(Self.avx512)
      ? Int32(HIYARI_QCONV_AVX512VNNI)
      : Self.has(Self.avxVNNI)
        ? Int32(HIYARI_QCONV_AVXVNNI)
        : Self.has(Self.avx2)
          ? Int32(HIYARI_QCONV_AVX2)
          : Self.has(Self.neonDot)
            ? Int32(HIYARI_QCONV_NEONDOT)
            : Self.has(Self.neon) ? Int32(HIYARI_QCONV_NEON) : Int32(HIYARI_QCONV_SCALAR)
    #expect(info.path == best)
    #expect(info.kind == Int32(HIYARI_QCONV_GEMM))
  }

  @Test func rejectsInvalidDescriptions() {
    let w = [Int8](repeating: 1, count: 8 * 8 * 9), m = [Float](repeating: 0.01, count: 8)
    var bad = Case().desc
    bad.groups = 3  // 8 channels do not split into 3 groups
    #expect(hiyari_qconv_create(&bad, w, nil, m, 0) == nil)
    bad = Case().desc
    bad.output_min = 10
    bad.output_max = 9
    #expect(hiyari_qconv_create(&bad, w, nil, m, 0) == nil)
    bad = Case().desc
    bad.output_max = 300  // beyond uint8
    #expect(hiyari_qconv_create(&bad, w, nil, m, 0) == nil)
    bad = Case().desc
    bad.stride_height = 0
    #expect(hiyari_qconv_create(&bad, w, nil, m, 0) == nil)
  }

  @Test func peakMicroKernelReportsWorkOnlyForAvailablePaths() {
    #expect(hiyari_int8_peak(Int32(HIYARI_QCONV_SCALAR), 10) == 0)
    if Self.has(Self.avx2) { #expect(hiyari_int8_peak(Int32(HIYARI_QCONV_AVX2), 10) > 0) }
    if !Self.has(Self.avx512) { #expect(hiyari_int8_peak(Int32(HIYARI_QCONV_AVX512VNNI), 10) == 0) }
    #expect((hiyari_int8_peak(Int32(HIYARI_QCONV_NEON), 10) > 0) == Self.has(Self.neon))
  }
}
