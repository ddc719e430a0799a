import Testing

@testable import Engine

@Suite struct PoolingTests {
  struct Case: CustomStringConvertible, Sendable {
    var batch = 2, channels = 13, height = 9, width = 11
    var kernel = [2, 2], strides = [2, 2], dilations = [1, 1], pads = [0, 0, 0, 0]
    var ceilMode = false, includePad = false
    var autoPad: String? = nil
    var description: String {
      "\(batch)x\(channels)x\(height)x\(width) k\(kernel) s\(strides) d\(dilations) p\(pads) ceil \(ceilMode) incl \(includePad) \(autoPad ?? "")"
    }
  }

  /// Output extent along one axis, as ONNX (and PyTorch) define it.
  static func extent(
    _ size: Int, _ kernel: Int, _ stride: Int, _ dilation: Int, _ begin: Int, _ end: Int, ceil: Bool
  ) -> Int {
    let numerator = size + begin + end - ((kernel - 1) * dilation + 1)
    var count = numerator / stride + 1
    if ceil {
      count = (numerator + stride - 1) / stride + 1
      if (count - 1) * stride >= size + begin { count -= 1 }
    }
    return count
  }

  /// Direct pooling in Double; pads are [top, left, bottom, right].
  static func reference(_ x: [Float], _ c: Case, pads: [Int], max: Bool) -> (shape: [Int], values: [Double]) {
    let oh = extent(c.height, c.kernel[0], c.strides[0], c.dilations[0], pads[0], pads[2], ceil: c.ceilMode)
    let ow = extent(c.width, c.kernel[1], c.strides[1], c.dilations[1], pads[1], pads[3], ceil: c.ceilMode)
    var values: [Double] = []
    for plane in 0..<(c.batch * c.channels) {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var best = -Double.infinity, sum = 0.0, valid = 0, padded = 0
          for ky in 0..<c.kernel[0] {
            for kx in 0..<c.kernel[1] {
              let iy = oy * c.strides[0] - pads[0] + ky * c.dilations[0]
              let ix = ox * c.strides[1] - pads[1] + kx * c.dilations[1]
              if iy >= -pads[0] && iy < c.height + pads[2] && ix >= -pads[1] && ix < c.width + pads[3] {
                padded += 1
              }
              guard iy >= 0, iy < c.height, ix >= 0, ix < c.width else { continue }
              let value = Double(x[(plane * c.height + iy) * c.width + ix])
              best = Swift.max(best, value)
              sum += value
              valid += 1
            }
          }
          values.append(max ? best : sum / Double(c.includePad ? padded : valid))
        }
      }
    }
    return ([c.batch, c.channels, oh, ow], values)
  }

  static func check(
    _ op: String, _ c: Case, threads: Int = 2, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    var random = SeededRandom(31)
    let x = random.floats(c.batch * c.channels * c.height * c.width)
    var attributes: [String: Attribute] = [
      "kernel_shape": .ints(c.kernel), "strides": .ints(c.strides), "pads": .ints(c.pads),
      "ceil_mode": .int(c.ceilMode ? 1 : 0),
    ]
    if c.dilations != [1, 1] { attributes["dilations"] = .ints(c.dilations) }
    if op == "AveragePool" { attributes["count_include_pad"] = .int(c.includePad ? 1 : 0) }
    var pads = c.pads
    if let autoPad = c.autoPad {
      attributes["auto_pad"] = .string(autoPad)
      attributes["pads"] = nil
      for axis in 0..<2 {
        let size = axis == 0 ? c.height : c.width
        let out = (size + c.strides[axis] - 1) / c.strides[axis]
        let total = max(0, (out - 1) * c.strides[axis] + (c.kernel[axis] - 1) * c.dilations[axis] + 1 - size)
        pads[axis] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2
        pads[axis + 2] = total - pads[axis]
      }
    }
    let y = try OperatorHarness.run(
      op, [.input(OperatorHarness.floats(x, [c.batch, c.channels, c.height, c.width]))],
      attributes: attributes, threads: threads)[0]
    let expected = reference(x, c, pads: pads, max: op == "MaxPool")
    #expect(y.shape == expected.shape, "\(op) \(c)", sourceLocation: sourceLocation)
    expectClose(
      OperatorHarness.values(y), expected.values, tolerance: 1e-6, "\(op) \(c)",
      sourceLocation: sourceLocation)
  }

  static let cases: [Case] = [
    Case(),
    Case(kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1]),
    Case(height: 20, width: 20, kernel: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2]),
    Case(kernel: [3, 3], strides: [1, 1], dilations: [2, 2], pads: [2, 2, 2, 2]),
    Case(kernel: [3, 2], strides: [2, 3], pads: [1, 0, 1, 1]),
    Case(height: 10, width: 11, kernel: [3, 3], strides: [2, 2], ceilMode: true),
    Case(height: 10, width: 11, kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceilMode: true),
    Case(height: 7, width: 8, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 1, 1], ceilMode: true),
    Case(kernel: [3, 3], strides: [2, 2], autoPad: "SAME_UPPER"),
    Case(kernel: [4, 4], strides: [1, 1], autoPad: "SAME_LOWER"),
    Case(
      batch: 1, channels: 1, height: 40, width: 30, kernel: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1]),
  ]

  @Test func maxPool() throws {
    for c in Self.cases { try Self.check("MaxPool", c, threads: 3) }
  }

  @Test func averagePoolExcludingPadding() throws {
    for c in Self.cases { try Self.check("AveragePool", c) }
  }

  @Test func averagePoolIncludingPadding() throws {
    for var c in Self.cases where c.dilations == [1, 1] {
      c.includePad = true
      try Self.check("AveragePool", c)
    }
  }

  @Test func oneDimensional() throws {
    let x: [Float] = [1, 5, 2, 8, 3, 0, 4]
    let max = try OperatorHarness.run(
      "MaxPool", [.input(OperatorHarness.floats(x, [1, 1, 7]))],
      attributes: ["kernel_shape": .ints([3]), "strides": .ints([2]), "pads": .ints([1, 1])])[0]
    #expect(max.shape == [1, 1, 4])
    #expect(OperatorHarness.values(max) == [5, 8, 8, 4])
    let average = try OperatorHarness.run(
      "AveragePool", [.input(OperatorHarness.floats(x, [1, 1, 7]))],
      attributes: ["kernel_shape": .ints([2]), "strides": .ints([2]), "ceil_mode": .int(1)])[0]
    #expect(OperatorHarness.values(average) == [3, 5, 1.5, 4])
  }

  @Test func globalPooling() throws {
    var random = SeededRandom(32)
    for shape in [[2, 13, 7, 9], [1, 24, 1, 1], [2, 5, 33], [1, 3, 4, 5, 2]] {
      let x = random.floats(shape.reduce(1, *))
      let planes = shape[0] * shape[1], size = shape.dropFirst(2).reduce(1, *)
      let average = try OperatorHarness.run("GlobalAveragePool", [.input(OperatorHarness.floats(x, shape))])[
        0]
      let max = try OperatorHarness.run("GlobalMaxPool", [.input(OperatorHarness.floats(x, shape))])[0]
      let expectedShape = Array(shape.prefix(2)) + [Int](repeating: 1, count: shape.count - 2)
      #expect(average.shape == expectedShape)
      #expect(max.shape == expectedShape)
      expectClose(
        OperatorHarness.values(average),
        (0..<planes).map { plane in
          x[(plane * size)..<((plane + 1) * size)].reduce(0.0) { $0 + Double($1) } / Double(size)
        }, tolerance: 1e-6)
      #expect(
        OperatorHarness.values(max)
          == (0..<planes).map { plane in x[(plane * size)..<((plane + 1) * size)].max()! })
    }
  }

  @Test func rejectsBadAttributes() {
    let x = OperatorHarness.floats([Float](repeating: 0, count: 2 * 3 * 5 * 5), [2, 3, 5, 5])
    func error(_ attributes: [String: Attribute], op: String = "MaxPool", outputs: Int = 1) -> GraphError? {
      OperatorHarness.error(op, [.input(x)], attributes: attributes, outputs: outputs)
    }
    expectGraphError(error([:]), mentioning: "kernel_shape")
    expectGraphError(error(["kernel_shape": .ints([2])]), mentioning: "kernel_shape")
    expectGraphError(error(["kernel_shape": .ints([6, 6])]), mentioning: "larger than")
    expectGraphError(error(["kernel_shape": .ints([0, 2])]), mentioning: "kernel shape")
    expectGraphError(
      error(["kernel_shape": .ints([2, 2]), "strides": .ints([0, 1])]), mentioning: "strides")
    expectGraphError(error(["kernel_shape": .ints([2, 2]), "ceil_mode": .int(2)]), mentioning: "ceil_mode")
    expectGraphError(
      error(["kernel_shape": .ints([2, 2]), "auto_pad": .string("FULL")]), mentioning: "auto_pad")
    expectGraphError(error(["kernel_shape": .ints([2, 2])], outputs: 2), mentioning: "Indices")
    expectGraphError(
      error(["kernel_shape": .ints([2, 2]), "pads": .ints([1, 1, -1, 1])], op: "AveragePool"),
      mentioning: "pads")
    expectGraphError(
      OperatorHarness.error("GlobalAveragePool", [.input(OperatorHarness.floats([1], [1]))]),
      mentioning: "rank")
    expectGraphError(
      OperatorHarness.error(
        "MaxPool", [.input(OperatorHarness.floats([1, 2], [2]))], attributes: ["kernel_shape": .ints([1])]),
      mentioning: "1-D and 2-D")
  }
}
