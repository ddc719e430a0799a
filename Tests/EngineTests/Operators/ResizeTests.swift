import Testing

@testable import Engine

@Suite struct ResizeTests {
  /// The ONNX Resize reference for one axis: where output position `x` samples the input.
  static func original(_ x: Int, scale: Float, input: Int, output: Int, mode: String) -> Float {
    let position = Float(x)
    switch mode {
    case "asymmetric": return position / scale
    case "align_corners": return output == 1 ? 0 : position * Float(input - 1) / Float(output - 1)
    case "pytorch_half_pixel": return output > 1 ? (position + 0.5) / scale - 0.5 : 0
    case "tf_half_pixel_for_nn": return (position + 0.5) / scale
    case "half_pixel_symmetric":
      let adjustment = Float(output) / (scale * Float(input))
      return Float(input) / 2 * (1 - adjustment) + (position + 0.5) / scale - 0.5
    default: return (position + 0.5) / scale - 0.5
    }
  }

  static func nearestIndex(_ value: Float, _ mode: String, input: Int) -> Int {
    let index: Float
    let fraction = value - value.rounded(.down)
    switch mode {
    case "floor": index = value.rounded(.down)
    case "ceil": index = value.rounded(.up)
    case "round_prefer_ceil": index = fraction == 0.5 ? value.rounded(.up) : value.rounded()
    default: index = fraction == 0.5 ? value.rounded(.down) : value.rounded()
    }
    return min(max(Int(index), 0), input - 1)
  }

  /// Resize of the last two axes in Double (bilinear with clamped coordinates, or nearest).
  static func reference(
    _ x: [Float], planes: Int, height: Int, width: Int, outputHeight: Int, outputWidth: Int,
    scales: (Float, Float),
    linear: Bool, transform: String, nearest: String
  ) -> [Double] {
    var result: [Double] = []
    for plane in 0..<planes {
      for oy in 0..<outputHeight {
        for ox in 0..<outputWidth {
          let sy = original(oy, scale: scales.0, input: height, output: outputHeight, mode: transform)
          let sx = original(ox, scale: scales.1, input: width, output: outputWidth, mode: transform)
          func at(_ row: Int, _ column: Int) -> Double { Double(x[(plane * height + row) * width + column]) }
          if linear {
            let cy = Double(min(max(sy, 0), Float(height - 1))),
              cx = Double(min(max(sx, 0), Float(width - 1)))
            let y0 = Int(cy), x0 = Int(cx)
            let y1 = min(y0 + 1, height - 1), x1 = min(x0 + 1, width - 1)
            let dy = cy - Double(y0), dx = cx - Double(x0)
            result.append(
              at(y0, x0) * (1 - dy) * (1 - dx) + at(y0, x1) * (1 - dy) * dx + at(y1, x0) * dy * (1 - dx) + at(
                y1, x1) * dy * dx)
          } else {
            result.append(
              at(nearestIndex(sy, nearest, input: height), nearestIndex(sx, nearest, input: width)))
          }
        }
      }
    }
    return result
  }

  static func check(
    shape: [Int], scales: [Float]? = nil, sizes: [Int]? = nil, mode: String, transform: String,
    nearest: String = "round_prefer_floor",
    threads: Int = 2, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    var random = SeededRandom(41)
    let x = random.floats(shape.reduce(1, *))
    var operands: [Operand] = [.input(OperatorHarness.floats(x, shape)), .absent]
    if let scales {
      operands.append(.constant(OperatorHarness.floats(scales, [scales.count])))
    } else {
      operands.append(.constant(OperatorHarness.floats([], [0])))
      operands.append(.constant(OperatorHarness.ints(sizes!)))
    }
    let y = try OperatorHarness.run(
      "Resize", operands,
      attributes: [
        "mode": .string(mode), "coordinate_transformation_mode": .string(transform),
        "nearest_mode": .string(nearest),
      ],
      threads: threads)[0]
    let rank = shape.count
    let height = shape[rank - 2], width = shape[rank - 1]
    let outputHeight = sizes?[rank - 2] ?? Int(Float(height) * scales![rank - 2])
    let outputWidth = sizes?[rank - 1] ?? Int(Float(width) * scales![rank - 1])
    let effective =
      scales.map { ($0[rank - 2], $0[rank - 1]) } ?? (
        Float(outputHeight) / Float(height), Float(outputWidth) / Float(width)
      )
    let expected = reference(
      x, planes: shape.dropLast(2).reduce(1, *), height: height, width: width, outputHeight: outputHeight,
      outputWidth: outputWidth,
      scales: effective, linear: mode == "linear", transform: transform, nearest: nearest)
    let label = "\(shape) \(scales ?? []) \(sizes ?? []) \(mode) \(transform) \(nearest)"
    #expect(
      y.shape == Array(shape.dropLast(2)) + [outputHeight, outputWidth], "\(label)",
      sourceLocation: sourceLocation)
    expectClose(
      OperatorHarness.values(y), expected, tolerance: 1e-6, "\(label)", sourceLocation: sourceLocation)
  }

  static let transforms = [
    "half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "half_pixel_symmetric",
  ]

  @Test func nearestEveryModeAndTransform() throws {
    for transform in Self.transforms + ["tf_half_pixel_for_nn"] {
      for nearest in ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"] {
        try Self.check(
          shape: [2, 3, 5, 7], scales: [1, 1, 2, 2], mode: "nearest", transform: transform, nearest: nearest)
        try Self.check(
          shape: [1, 2, 6, 9], scales: [1, 1, 1.5, 0.5], mode: "nearest", transform: transform,
          nearest: nearest)
        try Self.check(
          shape: [1, 2, 5, 6], sizes: [1, 2, 7, 4], mode: "nearest", transform: transform, nearest: nearest)
      }
    }
  }

  @Test func linearEveryTransform() throws {
    for transform in Self.transforms {
      try Self.check(shape: [2, 13, 5, 7], scales: [1, 1, 2, 2], mode: "linear", transform: transform)
      try Self.check(shape: [1, 3, 8, 9], scales: [1, 1, 0.5, 1.5], mode: "linear", transform: transform)
      try Self.check(shape: [1, 2, 5, 6], sizes: [1, 2, 11, 3], mode: "linear", transform: transform)
      try Self.check(shape: [1, 1, 4, 4], sizes: [1, 1, 1, 1], mode: "linear", transform: transform)
    }
  }

  @Test func twoTimesUpsamplingOfManyChannels() throws {
    try Self.check(
      shape: [1, 24, 20, 20], scales: [1, 1, 2, 2], mode: "nearest", transform: "asymmetric",
      nearest: "floor", threads: 3)
    try Self.check(
      shape: [1, 2, 30, 20], scales: [1, 1, 2, 2], mode: "linear", transform: "half_pixel", threads: 3)
    try Self.check(shape: [3, 20, 20], scales: [1, 2, 2], mode: "nearest", transform: "half_pixel")
  }

  @Test func upsampleAndOpset10Resize() throws {
    let x = OperatorHarness.floats([1, 2, 3, 4], [1, 1, 2, 2])
    let expected: [Float] = [1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4]
    let upsample = try OperatorHarness.run(
      "Upsample", [.input(x)], attributes: ["scales": .floats([1, 1, 2, 3])])[0]
    #expect(upsample.shape == [1, 1, 4, 6])
    #expect(OperatorHarness.values(upsample) == expected)
    let opset9 = try OperatorHarness.run(
      "Upsample", [.input(x), .constant(OperatorHarness.floats([1, 1, 2, 3], [4]))])[0]
    #expect(OperatorHarness.values(opset9) == expected)
    let opset10 = try OperatorHarness.run(
      "Resize", [.input(x), .constant(OperatorHarness.floats([1, 1, 2, 3], [4]))])[0]
    #expect(OperatorHarness.values(opset10) == expected)
    let bilinear = try OperatorHarness.run(
      "Upsample", [.input(x)], attributes: ["scales": .floats([1, 1, 2, 2]), "mode": .string("bilinear")])[0]
    #expect(OperatorHarness.values(bilinear) == [1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4])
  }

  @Test func axesAndKeepAspectRatio() throws {
    let x = OperatorHarness.floats((0..<24).map(Float.init), [1, 2, 3, 4])
    let axes = try OperatorHarness.run(
      "Resize", [.input(x), .absent, .constant(OperatorHarness.floats([2, 0.5], [2]))],
      attributes: ["axes": .ints([2, 3])])[0]
    #expect(axes.shape == [1, 2, 6, 2])
    let notLarger = try OperatorHarness.run(
      "Resize", [.input(x), .absent, .absent, .constant(OperatorHarness.ints([6, 6]))],
      attributes: ["axes": .ints([-2, -1]), "keep_aspect_ratio_policy": .string("not_larger")])[0]
    #expect(notLarger.shape == [1, 2, 5, 6])
    let notSmaller = try OperatorHarness.run(
      "Resize", [.input(x), .absent, .absent, .constant(OperatorHarness.ints([6, 6]))],
      attributes: ["axes": .ints([2, 3]), "keep_aspect_ratio_policy": .string("not_smaller")])[0]
    #expect(notSmaller.shape == [1, 2, 6, 8])
  }

  @Test func rejectsUnsupportedResizes() {
    let x = OperatorHarness.floats([Float](repeating: 0, count: 2 * 3 * 4 * 4), [2, 3, 4, 4])
    let scales = Operand.constant(OperatorHarness.floats([1, 1, 2, 2], [4]))
    func error(_ attributes: [String: Attribute], _ operands: [Operand]? = nil) -> GraphError? {
      OperatorHarness.error("Resize", operands ?? [.input(x), .absent, scales], attributes: attributes)
    }
    expectGraphError(error(["mode": .string("cubic")]), mentioning: "cubic")
    expectGraphError(
      error(["coordinate_transformation_mode": .string("tf_crop_and_resize")]),
      mentioning: "tf_crop_and_resize")
    expectGraphError(error(["nearest_mode": .string("nearest")]), mentioning: "nearest_mode")
    expectGraphError(
      error([:], [.input(x), .absent, .constant(OperatorHarness.floats([1, 2, 2, 2], [4]))]),
      mentioning: "only the last two axes")
    expectGraphError(
      error([:], [.input(x), .absent, .constant(OperatorHarness.floats([1, 1, 2], [3]))]),
      mentioning: "3 scales")
    expectGraphError(
      error([:], [.input(x), .absent, .constant(OperatorHarness.floats([1, 1, -2, 2], [4]))]),
      mentioning: "invalid scale")
    expectGraphError(
      error([:], [.input(x), .absent, .constant(OperatorHarness.floats([1, 1, .nan, 2], [4]))]),
      mentioning: "invalid scale")
    expectGraphError(
      error([:], [.input(x), .absent, .constant(OperatorHarness.floats([1, 1, 0.1, 1], [4]))]),
      mentioning: "empty")
    expectGraphError(
      error([:], [.input(x), .absent, scales, .constant(OperatorHarness.ints([2, 3, 8, 8]))]),
      mentioning: "exactly one")
    expectGraphError(
      error([:], [.input(x), .absent, .input(OperatorHarness.floats([1, 1, 2, 2], [4]))]),
      mentioning: "constant")
    expectGraphError(
      error(
        ["mode": .string("linear"), "antialias": .int(1)],
        [.input(x), .absent, .constant(OperatorHarness.floats([1, 1, 0.5, 0.5], [4]))]),
      mentioning: "antialias")
  }
}
