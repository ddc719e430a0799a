import Foundation
import Testing

@testable import Engine

/// The same float model and calibration data through onnxruntime's `quantize_static` (QDQ,
/// per-channel, uint8 activations, int8 weights, MinMax): every scale, zero point and quantized
/// constant onnxruntime writes must be in our graph under the same name with the same values.
@Suite struct OnnxRuntimeQuantizerTests {
  typealias M = QuantizeTestModels

  /// Builds `convNet` from raw float32 files, quantizes it and prints every parameter initializer
  /// as `name|values` and every Q/DQ node as `node|inputs`.
  static let script = #"""
    import sys, os, numpy as np, onnx
    from onnx import helper, TensorProto, numpy_helper
    from onnxruntime.quantization import quantize_static, QuantFormat, QuantType, CalibrationMethod, CalibrationDataReader
    folder = sys.argv[1]
    shapes = {'W1': [4,3,3,3], 'B1': [4], 'W2': [6,4,3,3], 'B2': [6], 'W3': [10,5], 'B3': [5], 'W4': [2,4,1,1], 'zero': [], 'six': []}
    def load(name, shape): return np.fromfile(os.path.join(folder, name + '.bin'), dtype='<f4').reshape(shape)
    inits = [numpy_helper.from_array(load(n, s), n) for n, s in shapes.items()]
    conv = dict(kernel_shape=[3,3], pads=[1,1,1,1])
    nodes = [
      helper.make_node('Conv', ['x','W1','B1'], ['y1'], 'c1', **conv),
      helper.make_node('Relu', ['y1'], ['a1'], 'r1'),
      helper.make_node('MaxPool', ['a1'], ['p1'], 'mp', kernel_shape=[2,2], strides=[2,2]),
      helper.make_node('Conv', ['p1','W2','B2'], ['y2'], 'c2', **conv),
      helper.make_node('Clip', ['y2','zero','six'], ['a2'], 'clip'),
      helper.make_node('Concat', ['p1','a2'], ['c'], 'cat', axis=1),
      helper.make_node('GlobalAveragePool', ['c'], ['g'], 'gap'),
      helper.make_node('Flatten', ['g'], ['f'], 'flat'),
      helper.make_node('Gemm', ['f','W3','B3'], ['y'], 'fc'),
      helper.make_node('Conv', ['p1','W4'], ['z'], 'c3', kernel_shape=[1,1]),
    ]
    graph = helper.make_graph(nodes, 'net', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1,3,8,8])],
      [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1,5]), helper.make_tensor_value_info('z', TensorProto.FLOAT, [1,2,4,4])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 8
    count = int(sys.argv[2])
    class Reader(CalibrationDataReader):
        def __init__(self): self.samples = iter([{'x': load('sample%d' % i, [1,3,8,8])} for i in range(count)])
        def get_next(self): return next(self.samples, None)
    source, target = os.path.join(folder, 'float.onnx'), os.path.join(folder, 'qdq.onnx')
    onnx.save(model, source)
    quantize_static(source, target, Reader(), quant_format=QuantFormat.QDQ, per_channel=True,
      activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=CalibrationMethod.MinMax)
    q = onnx.load(target)
    for t in q.graph.initializer:
        if t.name.endswith(('_scale', '_zero_point', '_quantized')):
            print('%s|%s' % (t.name, ','.join(repr(float(v)) for v in numpy_helper.to_array(t).ravel())))
    for n in q.graph.node:
        print('node %s|%s|%s' % (n.name, n.op_type, ','.join(n.input)))
    """#

  @Test func scalesZeroPointsAndCodesMatchOnnxRuntime() throws {
    let folder = try PythonONNX.temporaryDirectory("ptq-ort")
    defer { try? FileManager.default.removeItem(at: folder) }
    let float = M.convNet()
    let samples = M.samples(6)
    func write(_ tensor: Tensor, _ name: String) throws {
      try Data(tensor.bytes).write(to: folder.appendingPathComponent(name + ".bin"))
    }
    for (name, tensor) in float.constants { try write(tensor, name) }
    for (index, sample) in samples.enumerated() { try write(sample["x"]!, "sample\(index)") }
    let output = try PythonONNX.run(Self.script, [folder.path, "\(samples.count)"])

    let quantizer = PostTrainingQuantizer()
    let ours = try quantizer.quantize(
      graph: float, table: quantizer.calibrate(graph: float, samples: samples))
    var compared = 0
    var theirNodes: [String: (op: String, inputs: [String])] = [:]
    for line in output.split(separator: "\n").map(String.init) where line.contains("|") {
      let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
      if line.hasPrefix("node ") {
        theirNodes[String(fields[0].dropFirst(5))] = (
          fields[1], fields[2].split(separator: ",").map(String.init)
        )
        continue
      }
      let name = fields[0]
      let theirs = fields[1].split(separator: ",").map { Double($0)! }
      guard let tensor = ours.constants[name] else {
        Issue.record("onnxruntime has \(name), we do not")
        continue
      }
      let mine: [Double] =
        tensor.elementType == .float32
        ? OperatorHarness.values(tensor).map(Double.init) : OperatorHarness.intValues(tensor).map(Double.init)
      #expect(mine.count == theirs.count, "\(name)")
      // ORT's float kernels may round a calibrated min/max differently in the last bit, so
      // scales agree to 1e-5 relative; zero points, int8 weights and int32 biases exactly.
      let tolerance: (Double) -> Double = name.hasSuffix("_scale") ? { abs($0) * 1e-5 } : { _ in 0 }
      for (a, b) in zip(mine, theirs) where !(abs(a - b) <= tolerance(b)) {
        Issue.record("\(name): ours \(mine) onnxruntime \(theirs)")
        break
      }
      compared += 1
    }
    // Every activation Q/DQ pair of onnxruntime's graph, with the same parameter names.
    for (name, node) in theirNodes where node.op == "QuantizeLinear" || node.op == "DequantizeLinear" {
      let mine = M.node(ours, named: name)
      #expect(mine?.op == node.op, "\(name)")
      #expect(mine?.inputs == node.inputs, "\(name)")
    }
    let ourQDQ = ours.nodes.filter { $0.op == "QuantizeLinear" || $0.op == "DequantizeLinear" }.map(\.name)
    #expect(
      Set(ourQDQ)
        == Set(theirNodes.filter { ["QuantizeLinear", "DequantizeLinear"].contains($0.value.op) }.map(\.key)))
    #expect(!theirNodes.values.contains { $0.op == "Relu" || $0.op == "Clip" })
    #expect(compared >= 30, "compared only \(compared) initializers:\n\(output)")
  }
}
