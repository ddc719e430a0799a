import Foundation
import Testing

@testable import Engine

@Suite struct ConvolutionTests {
  struct Case: CustomStringConvertible, Sendable {
    var batch = 1, channels = 3, height = 9, width = 11, outputs = 4
    var kernel = [3, 3], strides = [1, 1], dilations = [1, 1], pads = [0, 0, 0, 0], group = 1
    var bias = true
    var autoPad: String? = nil
    var oneDimensional = false
    var activation: [String: Attribute] = [:]

    var description: String {
      "N\(batch) C\(channels) \(height)x\(width) M\(outputs) k\(kernel) s\(strides) d\(dilations) p\(pads) g\(group) \(autoPad ?? "") \(activation["activation"].map { "\($0)" } ?? "")"
    }
  }

  /// A direct convolution in Double: pads are [top, left, bottom, right] (2-D).
  static func reference(
    _ x: [Float], _ w: [Float], _ b: [Float]?, _ c: Case, pads: [Int], outputHeight: Int, outputWidth: Int
  ) -> [Double] {
    let cg = c.channels / c.group, mg = c.outputs / c.group
    let kh = c.kernel[0], kw = c.kernel[1]
    var y = [Double](repeating: 0, count: c.batch * c.outputs * outputHeight * outputWidth)
    for n in 0..<c.batch {
      for m in 0..<c.outputs {
        let g = m / mg
        for oy in 0..<outputHeight {
          for ox in 0..<outputWidth {
            var sum = b.map { Double($0[m]) } ?? 0
            for ci in 0..<cg {
              for ky in 0..<kh {
                for kx in 0..<kw {
                  let iy = oy * c.strides[0] - pads[0] + ky * c.dilations[0]
                  let ix = ox * c.strides[1] - pads[1] + kx * c.dilations[1]
                  guard iy >= 0, iy < c.height, ix >= 0, ix < c.width else { continue }
                  let xv = x[((n * c.channels + g * cg + ci) * c.height + iy) * c.width + ix]
                  let wv = w[((m * cg + ci) * kh + ky) * kw + kx]
                  sum += Double(xv) * Double(wv)
                }
              }
            }
            y[((n * c.outputs + m) * outputHeight + oy) * outputWidth + ox] = sum
          }
        }
      }
    }
    return y
  }

  static func activate(_ value: Double, _ attributes: [String: Attribute]) -> Double {
    switch attributes["activation"]?.stringValue {
    case "Relu": return max(value, 0)
    case "Clip":
      return min(
        max(value, Double(attributes["activation_min"]?.floatValue ?? -.infinity)),
        Double(attributes["activation_max"]?.floatValue ?? .infinity))
    case "LeakyRelu":
      return value >= 0 ? value : Double(attributes["activation_alpha"]?.floatValue ?? 0.01) * value
    case "HardSwish": return value * max(0, min(1, value / 6 + 0.5))
    case "SiLU": return value / (1 + exp(-value))
    case "Sigmoid": return 1 / (1 + exp(-value))
    default: return value
    }
  }

  /// Runs `c` through the engine and the reference; returns the output shape.
  @discardableResult
  static func check(
    _ c: Case, threads: Int = 2, seed: UInt64 = 1, sourceLocation: SourceLocation = #_sourceLocation
  ) throws -> [Int] {
    var random = SeededRandom(seed)
    let cg = c.channels / c.group
    let x = random.floats(c.batch * c.channels * c.height * c.width)
    let w = random.floats(c.outputs * cg * c.kernel[0] * c.kernel[1], in: -0.5...0.5)
    let b = c.bias ? random.floats(c.outputs) : nil
    var attributes = c.activation
    attributes["group"] = .int(c.group)
    if c.oneDimensional {
      attributes["strides"] = .ints([c.strides[1]])
      attributes["dilations"] = .ints([c.dilations[1]])
      attributes["pads"] = .ints([c.pads[1], c.pads[3]])
    } else {
      attributes["strides"] = .ints(c.strides)
      attributes["dilations"] = .ints(c.dilations)
      attributes["pads"] = .ints(c.pads)
    }
    if let autoPad = c.autoPad {
      attributes["auto_pad"] = .string(autoPad)
      attributes["pads"] = nil
    }
    let xShape =
      c.oneDimensional ? [c.batch, c.channels, c.width] : [c.batch, c.channels, c.height, c.width]
    let wShape = c.oneDimensional ? [c.outputs, cg, c.kernel[1]] : [c.outputs, cg, c.kernel[0], c.kernel[1]]
    var operands: [Operand] = [
      .input(OperatorHarness.floats(x, xShape)), .constant(OperatorHarness.floats(w, wShape)),
    ]
    if let b { operands.append(.constant(OperatorHarness.floats(b, [c.outputs]))) }
    let output = try OperatorHarness.run("Conv", operands, attributes: attributes, threads: threads)[0]

    // The padding the reference uses (auto_pad resolved independently here).
    var pads = [c.pads[0], c.pads[1]]
    var outputSize = [0, 0]
    for axis in 0..<2 {
      let size = axis == 0 ? c.height : c.width
      let extent = (c.kernel[axis] - 1) * c.dilations[axis] + 1
      switch c.autoPad {
      case "SAME_UPPER", "SAME_LOWER":
        outputSize[axis] = Int((Double(size) / Double(c.strides[axis])).rounded(.up))
        let total = max(0, (outputSize[axis] - 1) * c.strides[axis] + extent - size)
        pads[axis] = c.autoPad == "SAME_UPPER" ? total / 2 : (total + 1) / 2
      case "VALID":
        pads[axis] = 0
        outputSize[axis] = Int((Double(size - extent + 1) / Double(c.strides[axis])).rounded(.up))
      default:
        outputSize[axis] = (size + c.pads[axis] + c.pads[axis + 2] - extent) / c.strides[axis] + 1
      }
    }
    let expected = reference(x, w, b, c, pads: pads, outputHeight: outputSize[0], outputWidth: outputSize[1])
      .map { activate($0, c.activation) }
    let expectedShape =
      c.oneDimensional ? [c.batch, c.outputs, outputSize[1]] : [c.batch, c.outputs] + outputSize
    #expect(output.shape == expectedShape, "\(c)", sourceLocation: sourceLocation)
    expectClose(OperatorHarness.values(output), expected, "\(c)", sourceLocation: sourceLocation)
    return output.shape
  }

  @Test func pointwiseOddChannelsBatchTwo() throws {
    try Self.check(Case(batch: 2, channels: 13, height: 7, width: 9, outputs: 24, kernel: [1, 1]))
    try Self.check(
      Case(batch: 2, channels: 24, height: 5, width: 3, outputs: 13, kernel: [1, 1], bias: false))
  }

  @Test func pointwiseLargeEnoughToSplitIntoTiles() throws {
    // 2*32*48*(40*40) flops: split over column tiles and threads.
    try Self.check(
      Case(batch: 1, channels: 48, height: 40, width: 40, outputs: 32, kernel: [1, 1]), threads: 3)
  }

  @Test func threeByThreePaddedOddChannels() throws {
    try Self.check(Case(batch: 2, channels: 13, height: 10, width: 12, outputs: 24, pads: [1, 1, 1, 1]))
  }

  @Test func stridesTwoAndAsymmetricPads() throws {
    try Self.check(
      Case(batch: 2, channels: 13, height: 11, width: 14, outputs: 24, strides: [2, 2], pads: [1, 0, 2, 1]))
    try Self.check(
      Case(channels: 3, height: 17, width: 16, outputs: 8, strides: [2, 1], pads: [1, 1, 1, 1]))
  }

  @Test func dilationAndNonSquareKernels() throws {
    try Self.check(
      Case(
        channels: 5, height: 13, width: 12, outputs: 6, kernel: [3, 3], dilations: [2, 2], pads: [2, 2, 2, 2])
    )
    try Self.check(
      Case(
        channels: 4, height: 9, width: 10, outputs: 5, kernel: [3, 1], dilations: [1, 3], pads: [1, 0, 1, 0]))
    try Self.check(
      Case(
        channels: 4, height: 9, width: 10, outputs: 5, kernel: [1, 5], strides: [1, 2], pads: [0, 2, 0, 2]))
  }

  @Test func pointwiseWithStrideUsesIm2col() throws {
    try Self.check(
      Case(batch: 2, channels: 13, height: 9, width: 9, outputs: 24, kernel: [1, 1], strides: [2, 2]))
  }

  @Test func im2colTilesThatSplitOutputRows() throws {
    // Tiles hold 2 MiB of patch columns: 896 positions of a 64-channel 3x3 patch, which cuts
    // rows of 40 in the middle. One thread: the same scratch then serves tiles of different
    // alignment, so any patch element im2col fails to write (padding) shows up as a stale value.
    try Self.check(Case(channels: 64, height: 23, width: 40, outputs: 4, pads: [1, 1, 1, 1]), threads: 1)
    // 128 channels: 448 positions per tile, stride 2.
    try Self.check(
      Case(channels: 128, height: 45, width: 41, outputs: 5, strides: [2, 2], pads: [1, 1, 1, 1]), threads: 3)
  }

  @Test func groupedConvolution() throws {
    try Self.check(
      Case(batch: 2, channels: 24, height: 8, width: 9, outputs: 12, pads: [1, 1, 1, 1], group: 2))
    try Self.check(Case(channels: 12, height: 7, width: 7, outputs: 12, kernel: [1, 1], group: 3))
    try Self.check(
      Case(channels: 12, height: 9, width: 8, outputs: 8, strides: [2, 2], pads: [1, 1, 1, 1], group: 4))
  }

  @Test func depthwiseThreeByThreeStrideOneAndTwo() throws {
    try Self.check(
      Case(batch: 2, channels: 13, height: 10, width: 19, outputs: 13, pads: [1, 1, 1, 1], group: 13))
    try Self.check(
      Case(
        batch: 2, channels: 13, height: 11, width: 20, outputs: 13, strides: [2, 2], pads: [1, 1, 1, 1],
        group: 13))
    try Self.check(
      Case(channels: 24, height: 12, width: 12, outputs: 24, strides: [2, 2], pads: [0, 0, 1, 1], group: 24))
    try Self.check(
      Case(channels: 7, height: 6, width: 5, outputs: 7, pads: [0, 0, 0, 0], group: 7, bias: false))
    // Few planes: rows are split across tasks.
    try Self.check(
      Case(channels: 2, height: 40, width: 40, outputs: 2, pads: [1, 1, 1, 1], group: 2), threads: 3)
    // Tiny input, padding larger than the interior.
    try Self.check(Case(channels: 3, height: 2, width: 2, outputs: 3, pads: [2, 2, 2, 2], group: 3))
  }

  @Test func depthwiseGeneralKernelsAndMultiplier() throws {
    try Self.check(
      Case(
        batch: 2, channels: 13, height: 14, width: 15, outputs: 13, kernel: [5, 5], strides: [2, 2],
        pads: [2, 2, 2, 2], group: 13))
    try Self.check(
      Case(channels: 6, height: 13, width: 13, outputs: 6, dilations: [2, 2], pads: [2, 2, 2, 2], group: 6))
    try Self.check(Case(channels: 5, height: 9, width: 8, outputs: 10, pads: [1, 1, 1, 1], group: 5))
    try Self.check(
      Case(
        channels: 4, height: 9, width: 8, outputs: 4, kernel: [3, 3], strides: [1, 3], pads: [1, 1, 1, 1],
        group: 4))
  }

  @Test func autoPadModes() throws {
    #expect(
      try Self.check(
        Case(channels: 3, height: 10, width: 9, outputs: 4, strides: [2, 2], autoPad: "SAME_UPPER")) == [
          1, 4, 5, 5,
        ])
    try Self.check(
      Case(
        channels: 3, height: 10, width: 9, outputs: 4, kernel: [4, 4], strides: [2, 2], autoPad: "SAME_LOWER")
    )
    try Self.check(
      Case(channels: 3, height: 10, width: 9, outputs: 4, kernel: [4, 2], autoPad: "SAME_UPPER"))
    #expect(
      try Self.check(Case(channels: 3, height: 10, width: 9, outputs: 4, strides: [2, 2], autoPad: "VALID"))
        == [1, 4, 4, 4])
    try Self.check(
      Case(channels: 6, height: 9, width: 9, outputs: 6, kernel: [4, 4], group: 6, autoPad: "SAME_LOWER"))
  }

  @Test func oneDimensional() throws {
    try Self.check(
      Case(
        batch: 2, channels: 13, height: 1, width: 31, outputs: 24, kernel: [1, 5], strides: [1, 2],
        pads: [0, 2, 0, 1], oneDimensional: true))
    try Self.check(
      Case(
        channels: 8, height: 1, width: 20, outputs: 8, kernel: [1, 3], pads: [0, 1, 0, 1], group: 8,
        oneDimensional: true))
  }

  @Test(arguments: [
    ["activation": Attribute.string("Relu")],
    ["activation": .string("Clip"), "activation_min": .float(-0.25), "activation_max": .float(0.5)],
    ["activation": .string("LeakyRelu"), "activation_alpha": .float(0.1)],
    ["activation": .string("HardSwish")],
    ["activation": .string("SiLU")],
    ["activation": .string("Sigmoid")],
  ])
  func fusedActivations(_ activation: [String: Attribute]) throws {
    try Self.check(
      Case(batch: 2, channels: 13, height: 6, width: 7, outputs: 24, kernel: [1, 1], activation: activation))
    try Self.check(
      Case(channels: 5, height: 8, width: 7, outputs: 6, pads: [1, 1, 1, 1], activation: activation))
    try Self.check(
      Case(
        channels: 6, height: 8, width: 7, outputs: 6, strides: [2, 2], pads: [1, 1, 1, 1], group: 6,
        activation: activation))
    try Self.check(
      Case(
        channels: 6, height: 8, width: 7, outputs: 6, kernel: [5, 5], pads: [2, 2, 2, 2], group: 6,
        activation: activation))
  }

  @Test func sameResultOnOneAndThreeThreads() throws {
    var random = SeededRandom(9)
    let x = OperatorHarness.floats(random.floats(2 * 16 * 30 * 30), [2, 16, 30, 30])
    let w = OperatorHarness.floats(random.floats(16 * 16 * 9), [16, 16, 3, 3])
    let operands: [Operand] = [.input(x), .constant(w)]
    let attributes: [String: Attribute] = ["pads": .ints([1, 1, 1, 1])]
    let one = try OperatorHarness.run("Conv", operands, attributes: attributes, threads: 1)[0]
    let three = try OperatorHarness.run("Conv", operands, attributes: attributes, threads: 3)[0]
    #expect(OperatorHarness.values(one) == OperatorHarness.values(three))
  }

  @Test func weightsFromAnotherNodeAreReadAtRun() throws {
    // As in QDQ models, where the weight is a DequantizeLinear output rather than a constant.
    var random = SeededRandom(3)
    let x = random.floats(1 * 4 * 5 * 5), w = random.floats(6 * 4 * 9)
    let graph = Graph(
      inputs: [
        TensorInfo(name: "x", elementType: .float32, shape: [1, 4, 5, 5]),
        TensorInfo(name: "w", elementType: .float32, shape: [6, 4, 3, 3]),
      ],
      outputs: ["y"],
      nodes: [
        Node(name: "neg", op: "Neg", inputs: ["w"], outputs: ["nw"]),
        Node(
          name: "conv", op: "Conv", inputs: ["x", "nw"], outputs: ["y"],
          attributes: ["pads": .ints([1, 1, 1, 1])]),
      ])
    let model = try CompiledModel(graph: graph, threadCount: 2)
    let y = try model.run([
      "x": OperatorHarness.floats(x, [1, 4, 5, 5]), "w": OperatorHarness.floats(w, [6, 4, 3, 3]),
    ])["y"]!
    let c = Case(channels: 4, height: 5, width: 5, outputs: 6, pads: [1, 1, 1, 1], bias: false)
    expectClose(
      OperatorHarness.values(y),
      Self.reference(x, w.map { -$0 }, nil, c, pads: [1, 1], outputHeight: 5, outputWidth: 5))
  }

  @Test func rejectsBadShapesAndAttributes() {
    let x = OperatorHarness.floats([Float](repeating: 0, count: 1 * 6 * 5 * 5), [1, 6, 5, 5])
    let w = OperatorHarness.floats([Float](repeating: 0, count: 4 * 6 * 9), [4, 6, 3, 3])
    func error(
      _ attributes: [String: Attribute], weight: Tensor? = nil, bias: Tensor? = nil, input: Tensor? = nil
    ) -> GraphError? {
      var operands: [Operand] = [.input(input ?? x), .constant(weight ?? w)]
      if let bias { operands.append(.constant(bias)) }
      return OperatorHarness.error("Conv", operands, attributes: attributes)
    }
    expectGraphError(error(["group": .int(4)]), mentioning: "group 4")
    expectGraphError(error(["group": .int(0)]), mentioning: "group 0")
    expectGraphError(error(["group": .int(2)]), mentioning: "input channels per group")
    expectGraphError(error(["auto_pad": .string("SAME")]), mentioning: "auto_pad")
    expectGraphError(error(["activation": .string("Gelu")]), mentioning: "Gelu")
    expectGraphError(error(["activation": .int(1)]), mentioning: "activation")
    expectGraphError(error(["strides": .ints([0, 1])]), mentioning: "strides")
    expectGraphError(error(["strides": .ints([1, 1, 1])]), mentioning: "strides")
    expectGraphError(error(["dilations": .ints([1, Int.max])]), mentioning: "dilations")
    expectGraphError(error(["pads": .ints([-1, 0, 0, 0])]), mentioning: "pads")
    expectGraphError(error(["pads": .ints([1, 1])]), mentioning: "pads")
    expectGraphError(error(["kernel_shape": .ints([5, 5])]), mentioning: "kernel_shape")
    expectGraphError(error(["dilations": .ints([3, 3])]), mentioning: "larger than")
    expectGraphError(error([:], bias: OperatorHarness.floats([0, 0, 0], [3])), mentioning: "bias")
    expectGraphError(
      error([:], weight: OperatorHarness.floats([Float](repeating: 0, count: 4 * 6 * 3), [4, 6, 3])),
      mentioning: "rank")
    expectGraphError(
      error(
        [:], weight: OperatorHarness.floats([Float](repeating: 0, count: 4 * 6 * 27), [4, 6, 3, 3, 3]),
        input: OperatorHarness.floats([Float](repeating: 0, count: 6 * 125), [1, 6, 5, 5, 5])),
      mentioning: "1-D and 2-D")
    expectGraphError(
      OperatorHarness.error("Conv", [.input(x), .constant(OperatorHarness.ints([1, 2, 3, 4]))]),
      mentioning: "float32")
    expectGraphError(OperatorHarness.error("Conv", [.input(x)]), mentioning: "missing input 1")
  }
}
