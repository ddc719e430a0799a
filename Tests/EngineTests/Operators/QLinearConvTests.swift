import Testing

@testable import Engine

/// QLinearConv through the graph runtime against ONNX's definition, computed here in Double and
/// Int64: dequantize, convolve, add B * x_scale * w_scale, divide by y_scale, round half to even,
/// add y_zero_point, saturate.
///
/// The bound: the engine multiplies the exact int32 accumulator by the float32 multiplier
/// (x_scale * w_scale) / y_scale, as ONNX Runtime does, so against the exact real value its
/// result may only differ where that value lies within float rounding (relative 2^-22, far below
/// 1e-4 for the values that are not saturated) of a rounding tie n + 0.5. The checks: every
/// element within 1 of the reference, every differing element within 1e-4 of a tie, and at most
/// 0.1% of elements differing at all.
@Suite struct QLinearConvTests {
  struct Spec {
    var x: [Int] = [1, 8, 7, 9]
    var xType: ElementType = .uint8
    var xScale: Float = 0.02
    var xZero = 128
    var w: [Int] = [6, 8, 3, 3]
    var wType: ElementType = .int8
    var wScales: [Float] = [0.003]
    var wZeros: [Int] = [0]
    var yScale: Float = 0.05
    var yZero = 100
    var yType: ElementType = .uint8
    var withBias = true
    var attributes: [String: Attribute] = ["pads": .ints([1, 1, 1, 1])]
    var seed: UInt64 = 7
    /// Weight values drawn from this range instead of the type's.
    var weightRange: ClosedRange<Int>? = nil
  }

  struct Generator {
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

  static func quantized(_ values: [Int], _ shape: [Int], _ type: ElementType) -> Tensor {
    let tensor = try! Tensor(
      shape: shape, elementType: type, quantization: Quantization(scale: 1, zeroPoint: 0))
    if type == .int8 {
      tensor.withMutableElements(as: Int8.self) { for i in values.indices { $0[i] = Int8(values[i]) } }
    } else {
      tensor.withMutableElements(as: UInt8.self) { for i in values.indices { $0[i] = UInt8(values[i]) } }
    }
    return tensor
  }

  static func floats(_ values: [Float]) -> Tensor {
    let tensor = try! Tensor(shape: [values.count], elementType: .float32)
    tensor.withMutableElements(as: Float.self) { for i in values.indices { $0[i] = values[i] } }
    return tensor
  }

  static func int32s(_ values: [Int]) -> Tensor {
    let tensor = try! Tensor(shape: [values.count], elementType: .int32)
    tensor.withMutableElements(as: Int32.self) { for i in values.indices { $0[i] = Int32(values[i]) } }
    return tensor
  }

  static func range(_ type: ElementType) -> ClosedRange<Int> { type == .int8 ? -128...127 : 0...255 }

  static func elements(_ tensor: Tensor) -> [Int] {
    tensor.elementType == .int8
      ? tensor.withElements(as: Int8.self) { $0.map(Int.init) }
      : tensor.withElements(as: UInt8.self) { $0.map(Int.init) }
  }

  struct Problem {
    var spec: Spec
    var xValues: [Int], wValues: [Int], bias: [Int]
    var graph: Graph
  }

  static func problem(_ spec: Spec, constants overrides: [String: Tensor] = [:], weightsAsInput: Bool = false)
    -> Problem
  {
    var random = Generator(state: spec.seed)
    let xCount = spec.x.reduce(1, *), wCount = spec.w.reduce(1, *)
    let xValues = (0..<xCount).map { _ in random.int(range(spec.xType)) }
    let wValues = (0..<wCount).map { _ in random.int(spec.weightRange ?? range(spec.wType)) }
    let bias = (0..<spec.w[0]).map { _ in random.int(-20_000...20_000) }
    var constants: [String: Tensor] = [
      "x_scale": floats([spec.xScale]),
      "x_zero_point": quantized([spec.xZero], [], spec.xType),
      "w": quantized(wValues, spec.w, spec.wType),
      "w_scale": floats(spec.wScales),
      "w_zero_point": quantized(spec.wZeros, [spec.wZeros.count], spec.wType),
      "y_scale": floats([spec.yScale]),
      "y_zero_point": quantized([spec.yZero], [], spec.yType),
      "B": int32s(bias),
    ]
    for (name, tensor) in overrides { constants[name] = tensor }
    var inputs = [TensorInfo(name: "x", elementType: spec.xType, shape: spec.x)]
    if weightsAsInput {
      inputs.append(TensorInfo(name: "w", elementType: spec.wType, shape: spec.w))
      constants["w"] = nil
    }
    let names =
      ["x", "x_scale", "x_zero_point", "w", "w_scale", "w_zero_point", "y_scale", "y_zero_point"]
      + (spec.withBias ? ["B"] : [])
    let graph = Graph(
      inputs: inputs, outputs: ["y"],
      nodes: [
        Node(name: "conv", op: "QLinearConv", inputs: names, outputs: ["y"], attributes: spec.attributes)
      ],
      constants: constants)
    return Problem(spec: spec, xValues: xValues, wValues: wValues, bias: bias, graph: graph)
  }

  static func run(_ problem: Problem, threads: Int = 1) throws -> Tensor {
    let model = try CompiledModel(graph: problem.graph, threadCount: threads)
    let x = quantized(problem.xValues, problem.spec.x, problem.spec.xType)
    return try #require(try model.run(["x": x])["y"])
  }

  /// ONNX's definition in Double: the real value before rounding (v = y_real / y_scale), per
  /// output element, and the geometry. Handles rank 3 (NCL) as height 1.
  static func reference(_ p: Problem) -> (values: [Double], shape: [Int]) {
    let spec = p.spec
    let spatial = spec.x.count - 2
    let n = spec.x[0], c = spec.x[1]
    let h = spatial == 2 ? spec.x[2] : 1, w = spec.x[spatial == 2 ? 3 : 2]
    let m = spec.w[0], cg = spec.w[1]
    let kh = spatial == 2 ? spec.w[2] : 1, kw = spec.w[spatial == 2 ? 3 : 2]
    let group = spec.attributes["group"]?.intValue ?? 1
    func pair(_ key: String, _ fallback: Int) -> (Int, Int) {
      guard let values = spec.attributes[key]?.intsValue else { return (fallback, fallback) }
      return spatial == 2 ? (values[0], values[1]) : (1, values[0])
    }
    let stride = pair("strides", 1), dilation = pair("dilations", 1)
    var padTop = 0, padLeft = 0, padBottom = 0, padRight = 0
    if let pads = spec.attributes["pads"]?.intsValue {
      if spatial == 2 {
        (padTop, padLeft, padBottom, padRight) = (pads[0], pads[1], pads[2], pads[3])
      } else {
        (padLeft, padRight) = (pads[0], pads[1])
      }
    }
    if spec.attributes["auto_pad"]?.stringValue == "SAME_UPPER" {
      func same(_ size: Int, _ k: Int, _ s: Int, _ d: Int) -> (Int, Int) {
        let out = (size + s - 1) / s
        let total = max(0, (out - 1) * s + (k - 1) * d + 1 - size)
        return (total / 2, total - total / 2)
      }
      (padTop, padBottom) = spatial == 2 ? same(h, kh, stride.0, dilation.0) : (0, 0)
      (padLeft, padRight) = same(w, kw, stride.1, dilation.1)
    }
    let oh = (h + padTop + padBottom - ((kh - 1) * dilation.0 + 1)) / stride.0 + 1
    let ow = (w + padLeft + padRight - ((kw - 1) * dilation.1 + 1)) / stride.1 + 1
    let mg = m / group
    var values = [Double](repeating: 0, count: n * m * oh * ow)
    for image in 0..<n {
      for co in 0..<m {
        let g = co / mg
        let wZero = spec.wZeros.count == 1 ? spec.wZeros[0] : spec.wZeros[co]
        let wScale = Double(spec.wScales.count == 1 ? spec.wScales[0] : spec.wScales[co])
        for y in 0..<oh {
          for x in 0..<ow {
            var acc: Int64 = 0
            for ci in 0..<cg {
              for ky in 0..<kh {
                for kx in 0..<kw {
                  let iy = y * stride.0 - padTop + ky * dilation.0,
                    ix = x * stride.1 - padLeft + kx * dilation.1
                  guard iy >= 0 && iy < h && ix >= 0 && ix < w else { continue }  // padding is the real 0
                  let xv = p.xValues[((image * c + g * cg + ci) * h + iy) * w + ix] - spec.xZero
                  let wv = p.wValues[((co * cg + ci) * kh + ky) * kw + kx] - wZero
                  acc += Int64(xv * wv)
                }
              }
            }
            if spec.withBias { acc += Int64(p.bias[co]) }
            var real = Double(acc) * Double(spec.xScale) * wScale
            switch spec.attributes["activation"]?.stringValue {
            case "Relu": real = max(real, 0)
            case "Clip":
              let low = Double(spec.attributes["activation_min"]?.floatValue ?? -.infinity)
              let high = Double(spec.attributes["activation_max"]?.floatValue ?? .infinity)
              real = min(max(real, low), high)
            default: break
            }
            values[((image * m + co) * oh + y) * ow + x] = real / Double(spec.yScale)
          }
        }
      }
    }
    let shape = spatial == 2 ? [n, m, oh, ow] : [n, m, ow]
    return (values, shape)
  }

  /// Checks `output` against the reference with the bound stated above; returns the differences.
  @discardableResult
  static func expectMatches(
    _ output: Tensor, _ problem: Problem, sourceLocation: SourceLocation = #_sourceLocation
  )
    -> Int
  {
    let (values, shape) = reference(problem)
    #expect(output.shape == shape, sourceLocation: sourceLocation)
    #expect(output.elementType == problem.spec.yType, sourceLocation: sourceLocation)
    let got = elements(output)
    guard got.count == values.count else { return -1 }
    let limits = range(problem.spec.yType)
    var differing = 0, worst = 0
    var offTie = 0
    for (index, value) in values.enumerated() {
      let expected = min(
        max(Int(value.rounded(.toNearestOrEven)) + problem.spec.yZero, limits.lowerBound), limits.upperBound)
      let difference = abs(got[index] - expected)
      if difference != 0 {
        differing += 1
        worst = max(worst, difference)
        if abs(abs(value - value.rounded(.towardZero)) - 0.5) > 1e-4 { offTie += 1 }
      }
    }
    #expect(worst <= 1, "largest difference \(worst)", sourceLocation: sourceLocation)
    #expect(offTie == 0, "\(offTie) elements differ away from a rounding tie", sourceLocation: sourceLocation)
    #expect(
      differing * 1000 <= values.count, "\(differing) of \(values.count) differ",
      sourceLocation: sourceLocation)
    return differing
  }

  // MARK: - Results

  @Test func uint8ActivationsPerChannelInt8WeightsOddChannels() throws {
    var spec = Spec()
    spec.x = [1, 24, 10, 13]
    spec.w = [13, 24, 3, 3]
    spec.wScales = (0..<13).map { 0.001 + Float($0) * 0.0003 }
    spec.wZeros = [Int](repeating: 0, count: 13)
    let problem = Self.problem(spec)
    let output = try Self.run(problem)
    Self.expectMatches(output, problem)
    // Outputs that span the range (the test would not see a wrong scale otherwise).
    let values = Self.elements(output)
    #expect(Set(values).count > 50)
  }

  @Test func exactTiesRoundHalfToEven() throws {
    // x_scale * w_scale / y_scale = 1/16 exactly: a sixteenth of the results are ties n + 0.5,
    // which ONNX (and ONNX Runtime) round to even; the engine must equal the reference everywhere.
    var spec = Spec()
    spec.xScale = 0.25
    spec.wScales = [0.25]
    spec.yScale = 1
    spec.yZero = 128
    spec.withBias = false
    spec.x = [1, 4, 12, 20]
    spec.w = [8, 4, 3, 3]
    spec.weightRange = -2...2
    let problem = Self.problem(spec)
    #expect(Self.expectMatches(try Self.run(problem), problem) == 0)
    let ties = Self.reference(problem).values.filter { abs($0) < 100 && $0 - $0.rounded(.down) == 0.5 }.count
    #expect(ties * 30 > 8 * 12 * 20, "only \(ties) ties")
  }

  @Test func stemWithThreeChannelsStrideTwo() throws {
    var spec = Spec()
    spec.x = [1, 3, 32, 48]
    spec.w = [16, 3, 3, 3]
    spec.attributes = ["pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2])]
    spec.wScales = (0..<16).map { 0.004 + Float($0) * 0.0005 }
    spec.wZeros = [Int](repeating: 0, count: 16)
    let problem = Self.problem(spec)
    Self.expectMatches(try Self.run(problem), problem)
  }

  @Test func int8ActivationsAndOutputsDepthwiseStrideTwo() throws {
    var spec = Spec()
    spec.x = [1, 12, 11, 17]
    spec.xType = .int8
    spec.xZero = -3
    spec.w = [12, 1, 3, 3]
    spec.yType = .int8
    spec.yZero = 5
    spec.yScale = 0.01
    spec.attributes = ["pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2]), "group": .int(12)]
    let problem = Self.problem(spec)
    Self.expectMatches(try Self.run(problem), problem)
  }

  @Test func uint8WeightsWithZeroPoint128AndNoBias() throws {
    var spec = Spec()
    spec.x = [1, 32, 6, 20]
    spec.w = [20, 32, 1, 1]
    spec.wType = .uint8
    spec.wZeros = [128]
    spec.withBias = false
    spec.attributes = [:]
    let problem = Self.problem(spec)
    Self.expectMatches(try Self.run(problem), problem)
  }

  /// uint8 weights with zero point 0 (values up to 255, beyond the int8 kernels): the direct
  /// int32 kernel runs them, strided, padded, grouped, int8 in and out.
  @Test(arguments: [(ElementType.uint8, ElementType.uint8, 1), (.int8, .int8, 2)])
  func weightsBeyondInt8RunOnTheDirectKernel(input: ElementType, output: ElementType, groups: Int) throws {
    var spec = Spec()
    spec.x = [2, 6, 9, 11]
    spec.xType = input
    spec.xZero = input == .int8 ? -7 : 9
    spec.w = [4, 6 / groups, 3, 3]
    spec.wType = .uint8
    spec.wZeros = [0, 3, 250, 17]
    spec.wScales = [0.001, 0.0012, 0.0009, 0.0011]
    spec.yType = output
    spec.yZero = output == .int8 ? 4 : 120
    spec.yScale = 0.25  // sums of up to 54 products of 255 x 255: a coarse output step keeps them in range
    spec.attributes = ["pads": .ints([1, 0, 2, 1]), "strides": .ints([2, 1]), "group": .int(groups)]
    let problem = Self.problem(spec)
    let output = try Self.run(problem)
    #expect(Self.expectMatches(output, problem) == 0)
    #expect(Set(Self.elements(output)).count > 10, "outputs span the range")
  }

  @Test func fusedReluAndClipBecomeQuantizedClamps() throws {
    var relu = Spec()
    relu.attributes["activation"] = .string("Relu")
    let reluProblem = Self.problem(relu)
    let reluOutput = try Self.run(reluProblem)
    Self.expectMatches(reluOutput, reluProblem)
    #expect(Self.elements(reluOutput).allSatisfy { $0 >= relu.yZero })
    #expect(Self.elements(reluOutput).contains(relu.yZero))

    var clip = Spec()
    clip.attributes["activation"] = .string("Clip")
    clip.attributes["activation_min"] = .float(0)
    clip.attributes["activation_max"] = .float(6)
    clip.yScale = 0.03  // 6 / 0.03 = 200 steps: the upper bound clips at 100 + 200 = 300 -> 255
    clip.yZero = 10
    let clipProblem = Self.problem(clip)
    let clipOutput = try Self.run(clipProblem)
    Self.expectMatches(clipOutput, clipProblem)
    var tight = clip
    tight.attributes["activation_max"] = .float(1.5)  // 50 steps above the zero point
    let tightProblem = Self.problem(tight)
    let tightOutput = try Self.run(tightProblem)
    Self.expectMatches(tightOutput, tightProblem)
    #expect(Self.elements(tightOutput).allSatisfy { $0 >= 10 && $0 <= 60 })
    #expect(Self.elements(tightOutput).contains(60))
  }

  @Test func batchOfTwoOneDimensionalSamePaddingAndDilation() throws {
    var spec = Spec()
    spec.x = [2, 6, 37]
    spec.w = [10, 6, 3]
    spec.attributes = ["auto_pad": .string("SAME_UPPER"), "dilations": .ints([2])]
    let problem = Self.problem(spec)
    Self.expectMatches(try Self.run(problem), problem)
    var grouped = Spec()
    grouped.x = [2, 12, 9, 8]
    grouped.w = [18, 4, 3, 3]
    grouped.attributes = ["pads": .ints([0, 1, 2, 1]), "strides": .ints([1, 2]), "group": .int(3)]
    let groupedProblem = Self.problem(grouped)
    Self.expectMatches(try Self.run(groupedProblem), groupedProblem)
  }

  @Test func twoThreadsGiveTheSameBytesAsOne() throws {
    for spec in [
      Spec(x: [1, 16, 20, 45], w: [40, 16, 3, 3]),
      Spec(
        x: [1, 24, 20, 45], w: [24, 1, 3, 3], attributes: ["pads": .ints([1, 1, 1, 1]), "group": .int(24)]),
      Spec(x: [1, 64, 4, 7], w: [64, 64, 1, 1], attributes: [:]),
      // Depthwise tasks pack and compute their own channels: two images, stride 2, many channels.
      Spec(
        x: [2, 72, 9, 33], w: [72, 1, 3, 3],
        attributes: ["pads": .ints([1, 1, 1, 1]), "strides": .ints([2, 2]), "group": .int(72)]),
    ] {
      let problem = Self.problem(spec)
      let one = try Self.run(problem, threads: 1)
      let two = try Self.run(problem, threads: 2)
      #expect(Self.elements(one) == Self.elements(two))
      Self.expectMatches(two, problem)
    }
  }

  @Test func outputCarriesTypeShapeAndQuantization() throws {
    var spec = Spec()
    spec.yType = .int8
    spec.yZero = -7
    spec.yScale = 0.125
    let problem = Self.problem(spec)
    let infos = try ShapeInference.infer(problem.graph.validated(), registry: StandardOperators.registry)
    let y = try #require(infos["y"])
    #expect(y.elementType == .int8)
    #expect(y.shape == [1, 6, 7, 9])
    #expect(y.quantization == Quantization(scale: 0.125, zeroPoint: -7))
  }

  // MARK: - Errors

  func expectGraphError(
    _ problem: Problem, containing text: String, sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      _ = try CompiledModel(graph: problem.graph)
      Issue.record("expected a GraphError mentioning \"\(text)\"", sourceLocation: sourceLocation)
    } catch {
      #expect(error.description.contains(text), "\(error.description)", sourceLocation: sourceLocation)
    }
  }

  @Test func rejectsMismatchedScaleCounts() {
    expectGraphError(
      Self.problem(Spec(), constants: ["w_scale": Self.floats([0.1, 0.2, 0.3])]),
      containing: "has 3 values of w_scale")
    expectGraphError(
      Self.problem(Spec(), constants: ["x_scale": Self.floats([0.1, 0.2])]),
      containing: "has 2 values of x_scale")
    expectGraphError(
      Self.problem(Spec(), constants: ["w_zero_point": Self.quantized([0, 0], [2], .int8)]),
      containing: "has 2 values of w_zero_point")
    expectGraphError(
      Self.problem(Spec(), constants: ["y_scale": Self.floats([0])]),
      containing: "scales must be positive")
  }

  @Test func rejectsWrongZeroPointTypes() {
    expectGraphError(
      Self.problem(Spec(), constants: ["x_zero_point": Self.quantized([0], [], .int8)]),
      containing: "needs x_zero_point of type uint8")
    expectGraphError(
      Self.problem(Spec(), constants: ["w_zero_point": Self.quantized([0], [1], .uint8)]),
      containing: "needs w_zero_point of type int8")
    expectGraphError(
      Self.problem(Spec(), constants: ["y_zero_point": Self.int32s([0])]),
      containing: "needs a uint8 or int8 y_zero_point")
  }

  @Test func rejectsOtherMalformedNodes() {
    expectGraphError(Self.problem(Spec(), weightsAsInput: true), containing: "needs w (w) to be a constant")
    expectGraphError(
      Self.problem(Spec(), constants: ["B": Self.int32s([1, 2])]), containing: "needs bias B as int32 [6]")
    var activation = Spec()
    activation.attributes["activation"] = .string("HardSwish")
    expectGraphError(Self.problem(activation), containing: "unsupported fused activation \"HardSwish\"")
    var groups = Spec()
    groups.attributes["group"] = .int(3)
    expectGraphError(Self.problem(groups), containing: "group 3 does not fit")
    var kernel = Spec()
    kernel.attributes["kernel_shape"] = .ints([5, 5])
    expectGraphError(Self.problem(kernel), containing: "declares kernel_shape [5, 5]")
  }
}
