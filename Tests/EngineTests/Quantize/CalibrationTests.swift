import Testing

@testable import Engine

@Suite struct CalibrationTests {
  @Test func minMaxIsExactOverAllSamples() throws {
    let (graph, _) = OperatorHarness.graph("Relu", [.input(OperatorHarness.floats([0, 0, 0], [3]))])
    let samples = [
      ["in0": OperatorHarness.floats([-2, 0.5, 1], [3])],
      ["in0": OperatorHarness.floats([0.25, 3.5, -1], [3])],
    ]
    let table = try PostTrainingQuantizer().calibrate(graph: graph, samples: samples)
    #expect(table.sampleCount == 2)
    #expect(table.ranges["in0"] == TensorRange(min: -2, max: 3.5))
    #expect(table.ranges["out0"] == TensorRange(min: 0, max: 3.5))
    #expect(table.ranges.count == 2)
  }

  @Test func calibrationWithoutSamplesIsAnError() {
    let (graph, _) = OperatorHarness.graph("Relu", [.input(OperatorHarness.floats([0], [1]))])
    #expect(throws: GraphError.self) {
      try PostTrainingQuantizer().calibrate(graph: graph, samples: [[String: Tensor]]())
    }
  }

  /// 1000 values at -0.3, 8990 at 0.2, 10 at 8.0: |x| in 2048 bins over [0, 8] (width 1/256)
  /// puts 0.2 in bin 51, 0.3 in bin 76, 8 in bin 2047; cumulative shares 0.899, 0.999, 1.
  static let skewed: [Float] =
    [Float](repeating: -0.3, count: 1000) + [Float](repeating: 0.2, count: 8990)
    + [Float](repeating: 8, count: 10)

  @Test func percentileThresholdIsTheLowerEdgeOfTheCrossingBin() {
    var histogram = AbsoluteHistogram()
    Self.skewed.withUnsafeBufferPointer { histogram.add($0) }
    #expect(histogram.threshold(percentile: 99.5) == 76.0 / 256)  // share 0.999 first reaches 0.995 at bin 76
    #expect(histogram.threshold(percentile: 50) == 51.0 / 256)
    #expect(histogram.threshold(percentile: 100) == 2047.0 / 256)
  }

  @Test func percentileRangeIsSymmetricClampedToTheSeenValues() throws {
    let (graph, _) = OperatorHarness.graph("Relu", [.input(OperatorHarness.floats(Self.skewed, [10000]))])
    let samples = [["in0": OperatorHarness.floats(Self.skewed, [10000])]]
    let percentile = PostTrainingQuantizer(options: .init(method: .percentile(99.5)))
    let table = try percentile.calibrate(graph: graph, samples: samples)
    // Signed input: [-t, t] with t = 76/256, inside [-0.3, 8].
    #expect(table.ranges["in0"] == TensorRange(min: -76.0 / 256, max: 76.0 / 256))
    // Relu output (0 or 0.2 or 8): |x| bins 0 (10%), 51 (99.9%), 2047: t = 51/256, min stays 0.
    #expect(table.ranges["out0"] == TensorRange(min: 0, max: 51.0 / 256))
    let minMax = try PostTrainingQuantizer().calibrate(graph: graph, samples: samples)
    #expect(minMax.ranges["in0"] == TensorRange(min: -0.3, max: 8))
  }

  @Test func histogramDoublesItsRangeForALargerLaterSample() {
    var histogram = AbsoluteHistogram(binCount: 4)
    [Float(1), -0.1, 0.6].withUnsafeBufferPointer { histogram.add($0) }  // bins of 0.25: 3, 0, 2
    #expect(histogram.counts == [1, 0, 1, 1])
    [Float(-3.5)].withUnsafeBufferPointer { histogram.add($0) }  // top 1 -> 2 -> 4, bins of 1
    #expect(histogram.top == 4)
    #expect(histogram.counts == [3, 0, 0, 1])
    #expect(histogram.total == 4)
  }

  @Test func everyFloatActivationOfANetIsCalibrated() throws {
    let graph = QuantizeTestModels.convNet()
    let table = try PostTrainingQuantizer().calibrate(graph: graph, samples: QuantizeTestModels.samples(3))
    for name in ["x", "y1", "a1", "p1", "y2", "a2", "c", "g", "f", "y", "z"] {
      #expect(table.ranges[name] != nil, "\(name)")
    }
    #expect(table.ranges["a1"]!.min == 0)
    #expect(table.ranges["a2"]!.min >= 0 && table.ranges["a2"]!.max <= 6)
    #expect(table.ranges["y1"]!.min < 0, "the conv output before Relu is signed")
  }
}
