#!/usr/bin/env python3
"""A small fully-connected ONNX model, its int8 QDQ version and ONNX Runtime's outputs on it.

The reference for the int8 matrix-product parity test (Tests/EngineTests/Parity/
QuantizedMatMulParityTests.swift): x [64, 3, 4, 4] -> Flatten -> Gemm (transB 1, bias) -> Relu
-> MatMul -> Gemm (transB 0, bias) -> y [64, 13], random seeded weights. quantize_static writes
it in QDQ form (uint8 activations, int8 per-channel weights, reduce_range=True: 7-bit weights,
which ONNX Runtime's AVX2 int8 GEMM needs to stay exact) from four random calibration batches;
ONNX Runtime runs it with every graph optimization (its QDQ fusion turns the Gemms into
com.microsoft.QGemm and the MatMul into QLinearMatMul).

Writes into OUT: float.onnx, int8.onnx, input-K.bin (float32 test batches, not the calibration
ones) and reference-K.bin (ONNX Runtime's float32 outputs) for K in 0..2; prints the operators
of ONNX Runtime's optimized graph.
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = np.random.default_rng(7)
batch = 64


def weight(name, shape, scale):
    return numpy_helper.from_array((rng.standard_normal(shape) * scale).astype(np.float32), name)


initializers = [
    weight("w1", [40, 48], 0.2), weight("b1", [40], 0.1),
    weight("w2", [40, 24], 0.2),
    weight("w3", [24, 13], 0.2), weight("b3", [13], 0.1),
]
nodes = [
    helper.make_node("Flatten", ["x"], ["f"], axis=1, name="flatten"),
    helper.make_node("Gemm", ["f", "w1", "b1"], ["g1"], transB=1, name="gemm1"),
    helper.make_node("Relu", ["g1"], ["r1"], name="relu1"),
    helper.make_node("MatMul", ["r1", "w2"], ["m2"], name="matmul2"),
    helper.make_node("Gemm", ["m2", "w3", "b3"], ["y"], name="gemm3"),
]
graph = helper.make_graph(
    nodes, "qmatmul", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch, 3, 4, 4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [batch, 13])], initializers)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "float.onnx"))


class Calibration(CalibrationDataReader):
    def __init__(self):
        self.batches = iter([{"x": rng.standard_normal([batch, 3, 4, 4]).astype(np.float32)} for _ in range(4)])

    def get_next(self):
        return next(self.batches, None)


quantize_static(
    os.path.join(out, "float.onnx"), os.path.join(out, "int8.onnx"), Calibration(),
    quant_format=QuantFormat.QDQ, per_channel=True, activation_type=QuantType.QUInt8,
    weight_type=QuantType.QInt8, reduce_range=True)

options = ort.SessionOptions()
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
options.optimized_model_filepath = os.path.join(out, "ort-optimized.onnx")
session = ort.InferenceSession(os.path.join(out, "int8.onnx"), options, providers=["CPUExecutionProvider"])
for sample in range(3):
    x = rng.standard_normal([batch, 3, 4, 4]).astype(np.float32)
    y = session.run(None, {"x": x})[0]
    np.save(os.path.join(out, "input-%d.npy" % sample), x)
    np.save(os.path.join(out, "reference-%d.npy" % sample), y.astype(np.float32))
optimized = onnx.load(options.optimized_model_filepath).graph.node
print("onnxruntime", ort.__version__, "optimized operators:",
      " ".join(sorted({(n.domain + "." if n.domain else "") + n.op_type for n in optimized})))
