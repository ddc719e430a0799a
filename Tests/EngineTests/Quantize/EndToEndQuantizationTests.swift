import Foundation
import Testing

@testable import Engine

@Suite struct EndToEndQuantizationTests {
  typealias M = QuantizeTestModels

  /// The SNR the quantized conv net must keep on its calibration set. One uint8 rounding of a
  /// value spread evenly over its range has an SNR of about 6.02 dB per bit, 48 dB; the net
  /// chains five quantized activations and int8 weights whose noise adds up, so it measures
  /// 43.6 dB (z) and 45.2 dB (y). 38 dB leaves about 6 dB for other seeds and rounding, while one
  /// dequantize with its zero point three codes off (below) measures 29-30 dB, far under it.
  static let requiredSNR = 38.0

  @Test func quantizedConvNetStaysCloseToFloat() throws {
    let quantizer = PostTrainingQuantizer()
    let float = M.convNet()
    let samples = M.samples(16)
    let table = try quantizer.calibrate(graph: float, samples: samples)
    let quantized = try quantizer.quantize(graph: float, table: table)
    let report = try quantizer.evaluate(float: float, quantized: quantized, samples: samples)
    #expect(report.outputs.map(\.output) == ["y", "z"])
    #expect(report.sampleCount == 16)
    for output in report.outputs {
      #expect(output.snrDecibels > Self.requiredSNR, "\(report)")
      // 38 dB is a relative L2 error of 10^(-38/20) = 0.0126.
      #expect(output.relativeL2Error < 0.0126, "\(report)")
      #expect(output.maxAbsoluteError > 0, "quantization must change something")
    }
    #expect(report.outputs[0].elementCount == 16 * 5)
    // Unseen inputs from the same distribution fare about as well.
    let unseen = try quantizer.evaluate(float: float, quantized: quantized, samples: M.samples(8, seed: 99))
    #expect(unseen.worstSNRDecibels > Self.requiredSNR - 3, "\(unseen)")
    // The report prints as a table and survives JSON.
    #expect(report.description.contains("SNR dB") && report.description.contains("\ny "))
    let decoded = try JSONDecoder().decode(QuantizationReport.self, from: JSONEncoder().encode(report))
    #expect(decoded == report)
  }

  /// Seven-bit weights (reduce_range): every weight code within -64...64, which the AVX2 kernels
  /// run on vpmaddubsw, at a small cost in accuracy (weights lose one bit; activations dominate).
  @Test func sevenBitWeightsStayWithinTheirCodesAndCloseToFloat() throws {
    let quantizer = PostTrainingQuantizer(options: .init(sevenBitWeights: true))
    let float = M.convNet()
    let samples = M.samples(16)
    let quantized = try quantizer.quantize(
      graph: float, table: quantizer.calibrate(graph: float, samples: samples))
    var weights = 0
    for node in quantized.nodes where node.op == "DequantizeLinear" {
      guard let codes = quantized.constants[node.inputs[0]], codes.elementType == .int8 else { continue }
      weights += 1
      let values = OperatorHarness.intValues(codes)
      #expect(values.allSatisfy { (-64...64).contains($0) }, "\(node.inputs[0])")
      #expect(values.contains { abs($0) == 64 }, "the largest weight of a channel takes code +-64")
    }
    #expect(weights >= 2)
    let report = try quantizer.evaluate(float: float, quantized: quantized, samples: samples)
    #expect(report.worstSNRDecibels > Self.requiredSNR - 3, "\(report)")
  }

  @Test func aWrongZeroPointFailsTheAccuracyGate() throws {
    let quantizer = PostTrainingQuantizer()
    let float = M.convNet()
    let samples = M.samples(8)
    let quantized = try quantizer.quantize(
      graph: float, table: quantizer.calibrate(graph: float, samples: samples))
    // The first conv's activations dequantized with a zero point three codes off (the quantize
    // side keeps the right one): every value is off by 3 * scale.
    var broken = quantized
    let zeroPoint = OperatorHarness.intValues(broken.constants["a1_zero_point"]!)[0]
    broken.constants["a1_wrong_zero_point"] = OperatorHarness.uint8s([zeroPoint + 3], [])
    let index = try #require(broken.nodes.firstIndex { $0.name == "a1_DequantizeLinear" })
    broken.nodes[index].inputs[2] = "a1_wrong_zero_point"
    let report = try quantizer.evaluate(float: float, quantized: broken, samples: samples)
    #expect(report.worstSNRDecibels < Self.requiredSNR, "\(report)")
  }

  @Test func percentileCalibrationAlsoQuantizesTheNet() throws {
    let quantizer = PostTrainingQuantizer(options: .init(method: .percentile(99.99)))
    let float = M.convNet()
    let samples = M.samples(8)
    let table = try quantizer.calibrate(graph: float, samples: samples)
    #expect(table.method == .percentile(99.99))
    let report = try quantizer.evaluate(
      float: float, quantized: quantizer.quantize(graph: float, table: table), samples: samples)
    #expect(report.worstSNRDecibels > Self.requiredSNR - 6, "\(report)")
  }

  @Test func bundleKeepsInt8AnnotationsAndRunsTheSame() throws {
    let quantizer = PostTrainingQuantizer()
    let float = M.convNet()
    let samples = M.samples(4)
    let quantized = try quantizer.quantize(
      graph: float, table: quantizer.calibrate(graph: float, samples: samples))
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hiyari-ptq-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    defer { try? FileManager.default.removeItem(at: folder) }
    try ModelBundle.write(quantized, to: folder.path)
    let loaded = try ModelBundle(folder: folder.path).graph
    let weights = try #require(loaded.constants["W2_quantized"])
    #expect(weights.elementType == .int8)
    #expect(weights.quantization == quantized.constants["W2_quantized"]!.quantization)
    #expect(weights.quantization?.axis == 0)
    #expect(loaded.constants["a1_zero_point"]?.elementType == .uint8)
    #expect(loaded.metadata["quantization"] == quantized.metadata["quantization"])
    let before = try CompiledModel(graph: quantized).run(samples[0])
    let after = try CompiledModel(graph: loaded).run(samples[0])
    #expect(OperatorHarness.values(before["y"]!) == OperatorHarness.values(after["y"]!))
  }
}
