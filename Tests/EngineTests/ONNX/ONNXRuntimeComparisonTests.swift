import Foundation
import Testing

@testable import Engine

/// The engine against ONNX Runtime on the same model and the same .npy input: a model built in
/// Python with onnx.helper (Conv with bias and padding, Relu, a grouped strided Conv, global
/// pooling, Flatten, Gemm), run by onnxruntime there and by Hiyari here, whole and split at a cut.
@Suite struct ONNXRuntimeComparisonTests {
  static let script = #"""
    import sys, os, numpy as np, onnx, onnxruntime as ort
    from onnx import helper, TensorProto, numpy_helper
    out = sys.argv[1]
    rng = np.random.default_rng(11)
    def weight(*shape): return (rng.standard_normal(shape) * 0.2).astype(np.float32)
    inits = [numpy_helper.from_array(weight(8, 3, 3, 3), 'w1'), numpy_helper.from_array(weight(8), 'b1'),
             numpy_helper.from_array(weight(16, 4, 3, 3), 'w2'), numpy_helper.from_array(weight(10, 16), 'w3'),
             numpy_helper.from_array(weight(10), 'b3')]
    nodes = [
        helper.make_node('Conv', ['x', 'w1', 'b1'], ['c1'], name='conv1', pads=[1, 1, 1, 1]),
        helper.make_node('Relu', ['c1'], ['r1'], name='relu1'),
        helper.make_node('Conv', ['r1', 'w2'], ['c2'], name='conv2', group=2, strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node('Relu', ['c2'], ['r2'], name='relu2'),
        helper.make_node('GlobalAveragePool', ['r2'], ['g'], name='pool'),
        helper.make_node('Flatten', ['g'], ['f'], name='flatten'),
        helper.make_node('Gemm', ['f', 'w3', 'b3'], ['y'], name='fc', transB=1),
    ]
    graph = helper.make_graph(nodes, 'compare', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['N', 3, 20, 24])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['N', 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out, 'model.onnx'))
    x = rng.standard_normal((1, 3, 20, 24)).astype(np.float32)
    np.save(os.path.join(out, 'x.npy'), x)
    session = ort.InferenceSession(os.path.join(out, 'model.onnx'), providers=['CPUExecutionProvider'])
    np.save(os.path.join(out, 'expected.npy'), session.run(['y'], {'x': x})[0])
    """#

  @Test func matchesONNXRuntimeWholeAndSplit() throws {
    let directory = try PythonONNX.temporaryDirectory("ort-compare")
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try PythonONNX.run(Self.script, [directory.path])
    let path = { NumPyTestSupport.path(directory, $0) }
    let expected = NumPyTestSupport.doubles(try NumPyArray(contentsOf: path("expected.npy")))
    #expect(expected.count == 10)

    let graph = try loadModel(path: path("model.onnx"), inputShapes: ["x": [1, 3, 20, 24]]).graph
    let model = try CompiledModel(graph: graph, threadCount: 2)
    try model.setInputs(ModelArrays.bindInputs([path("x.npy")], to: model.graph.inputs))
    model.run()
    try ModelArrays.writeOutputs(try model.outputTensors(), to: path("ours.npy"))
    Self.expectClose(NumPyTestSupport.doubles(try NumPyArray(contentsOf: path("ours.npy"))), expected)
    #expect(ModelStatistics(model).multiplyAccumulates > 0)

    // The same through a cut: the head writes the crossing tensor, the tail reads it back.
    let cut = Cut(crossing: ["r2"])
    let head = try CompiledModel.part(.head, of: graph, cut: cut)
    try head.setInputs(ModelArrays.bindInputs([path("x.npy")], to: head.graph.inputs))
    head.run()
    try ModelArrays.writeOutputs(try head.outputTensors(), to: path("crossing.npz"))
    let tail = try CompiledModel.part(.tail, of: graph, cut: cut)
    try tail.setInputs(ModelArrays.bindInputs([path("crossing.npz")], to: tail.graph.inputs))
    tail.run()
    Self.expectClose(NumPyTestSupport.doubles(NumPyArray(try tail.outputTensors()[0].tensor)), expected)
  }

  /// Relative error below 1e-4 of the largest expected magnitude, element by element.
  static func expectClose(
    _ actual: [Double], _ expected: [Double], sourceLocation: SourceLocation = #_sourceLocation
  ) {
    #expect(actual.count == expected.count, sourceLocation: sourceLocation)
    let scale = max(expected.map(abs).max() ?? 0, 1e-6)
    let worst = zip(actual, expected).map { abs($0 - $1) / scale }.max() ?? .infinity
    #expect(worst < 1e-4, "largest relative error \(worst)", sourceLocation: sourceLocation)
  }
}
