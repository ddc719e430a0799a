import Testing

@testable import Engine

@Suite struct Convolution2DTests {
  /// (input shape, output channels, kernel, geometry)
  static let cases: [([Int], Int, Int, ConvolutionGeometry)] = [
    ([2, 3, 7, 9], 4, 3, ConvolutionGeometry(stride: 1, padding: 1)),
    ([2, 3, 9, 7], 5, 3, ConvolutionGeometry(stride: 2, padding: 1)),
    ([1, 4, 8, 9], 6, 3, ConvolutionGeometry(stride: 2, padding: 1, groups: 2)),
    ([2, 5, 7, 8], 5, 3, ConvolutionGeometry(stride: 1, padding: 1, groups: 5)),
    ([2, 4, 9, 7], 4, 3, ConvolutionGeometry(stride: 2, padding: 1, groups: 4)),
    ([1, 3, 9, 9], 2, 3, ConvolutionGeometry(stride: 1, padding: 2, dilation: 2)),
    ([1, 3, 8, 11], 3, 3, ConvolutionGeometry(strideY: 2, strideX: 1, padY: 0, padX: 2, groups: 3)),
    ([2, 6, 5, 5], 4, 1, ConvolutionGeometry()),
  ]

  @Test(arguments: 0..<cases.count)
  func gradientsMatchFiniteDifferences(_ number: Int) {
    let (shape, outputs, kernel, geometry) = Self.cases[number]
    var generator = SeededGenerator(seed: UInt64(number + 1))
    let x = GradientCheck.randomVariable(shape, &generator)
    let w = GradientCheck.randomVariable([outputs, shape[1] / geometry.groups, kernel, kernel], &generator)
    let b = GradientCheck.randomVariable([outputs], &generator)
    GradientCheck.check([x, w, b]) { x.conv2d(weight: w, bias: b, geometry) }
  }

  @Test(arguments: 0..<cases.count)
  func forwardMatchesEngineConv(_ number: Int) throws {
    let (shape, outputs, kernel, geometry) = Self.cases[number]
    var generator = SeededGenerator(seed: UInt64(number + 100))
    let x = GradientCheck.randomVariable(shape, &generator)
    let w = GradientCheck.randomVariable([outputs, shape[1] / geometry.groups, kernel, kernel], &generator)
    let b = GradientCheck.randomVariable([outputs], &generator)
    let y = x.conv2d(weight: w, bias: b, geometry)
    let node = Node(
      name: "conv", op: "Conv", inputs: ["x", "w", "b"], outputs: ["y"],
      attributes: [
        "kernel_shape": .ints([kernel, kernel]), "group": .int(geometry.groups),
        "strides": .ints([geometry.strideY, geometry.strideX]),
        "pads": .ints([geometry.padY, geometry.padX, geometry.padY, geometry.padX]),
        "dilations": .ints([geometry.dilationY, geometry.dilationX]),
      ])
    let graph = Graph(
      inputs: [TensorInfo(name: "x", elementType: .float32, shape: shape)], outputs: ["y"], nodes: [node],
      constants: ["w": try w.tensor(), "b": try b.tensor()])
    let result = try CompiledModel(graph: graph).run(["x": try x.tensor()])["y"]!
    #expect(result.shape == y.shape)
    let expected = result.withElements(as: Float.self) { Array($0) }
    let worst = zip(expected, y.value).map { Swift.abs($0 - $1) }.max() ?? 0
    #expect(worst < 1e-4, "largest difference from Engine's Conv: \(worst)")
  }
}

@Suite struct Convolution2DThreadedTests {
  /// The same checks with the work split over two threads (batch 3: uneven tasks). The pool
  /// stays at two threads for the rest of the process; loops that find it busy run inline.
  @Test(arguments: [1, 2, 4])
  func gradientsMatchFiniteDifferencesOnTwoThreads(_ number: Int) {
    AutogradThreads.use(2)
    let (shape, outputs, kernel, geometry) = Convolution2DTests.cases[number]
    var generator = SeededGenerator(seed: UInt64(number + 50))
    let x = GradientCheck.randomVariable([3] + shape.dropFirst(), &generator)
    let w = GradientCheck.randomVariable([outputs, shape[1] / geometry.groups, kernel, kernel], &generator)
    GradientCheck.check([x, w]) { x.conv2d(weight: w, geometry) }
  }
}
