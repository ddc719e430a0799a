#!/usr/bin/env python3
"""A small detector-like ONNX model, its int8 QDQ versions and ONNX Runtime's outputs on it.

The reference for whole-model parity (Tests/EngineTests/Parity) and for the latency benchmark
against ONNX Runtime (scripts/bench-engine). The model has the shape of a small anchor-free
detector at 1x3x192x320: a strided conv stem, depthwise/pointwise blocks with residual adds,
Relu and Relu6 (Clip), BatchNormalization after every conv (folded by importers), a 2x nearest
upsample + concat neck, a 3x3 conv, and 1x1 heads at two scales (stride 8 and 16). Weights are
random (He initialisation, seeded): the numbers are the point, not the detections.

Writes into OUT (default build/detector):
  detector-fp32.onnx         float model, opset 17
  detector-u8s8.onnx         quantize_static QDQ: uint8 activations, int8 per-channel weights
  detector-s8s8.onnx         quantize_static QDQ: int8 activations, int8 per-tensor weights
  inputs/sample-K.npy        float32 NCHW test images (not used for calibration)
  reference/VARIANT/sample-K/OUTPUT.npy   ONNX Runtime outputs (float32), all graph optimizations
  manifest.json              shapes, names, MACs, files, versions

Every variant is quantized with reduce_range=True (7-bit weights): ONNX Runtime's AVX2 int8
GEMM (vpmaddubsw) saturates int16 pair sums with full 8-bit weights, so its outputs would not be
the exact int8 convolution (onnxruntime's quantization docs recommend reduce_range on AVX2).
"""
import argparse
import hashlib
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HEIGHT, WIDTH = 192, 320
CLASSES = 4  # vehicle-large, vehicle-small, two-wheeler, pedestrian
HEAD = CLASSES + 4 + 1  # class logits, box (l, t, r, b), objectness


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.macs = 0
        self.count = 0

    def name(self, stem):
        self.count += 1
        return f"{stem}_{self.count}"

    def const(self, stem, array):
        name = self.name(stem)
        self.inits.append(numpy_helper.from_array(array, name))
        return name

    def conv(self, x, cin, cout, size, hw, stride=1, groups=1, act="relu", bias=False):
        """Conv + BatchNormalization + activation; hw is the output (height, width)."""
        fan_in = cin // groups * size * size
        w = self.rng.normal(0, np.sqrt(2.0 / fan_in), (cout, cin // groups, size, size)).astype(np.float32)
        inputs = [x, self.const("w", w)]
        if bias:
            inputs.append(self.const("b", self.rng.normal(0, 0.1, cout).astype(np.float32)))
        y = self.name("conv")
        pad = size // 2
        self.nodes.append(helper.make_node(
            "Conv", inputs, [y], name=y, kernel_shape=[size, size], strides=[stride, stride],
            pads=[pad] * 4, group=groups))
        self.macs += hw[0] * hw[1] * cout * fan_in
        if act is None:
            return y
        bn = self.name("bn")
        scale = self.rng.uniform(0.7, 1.3, cout).astype(np.float32)
        shift = self.rng.normal(0.1, 0.2, cout).astype(np.float32)
        mean = self.rng.normal(0, 0.2, cout).astype(np.float32)
        var = self.rng.uniform(0.6, 1.4, cout).astype(np.float32)
        self.nodes.append(helper.make_node(
            "BatchNormalization",
            [y, self.const("gamma", scale), self.const("beta", shift), self.const("mean", mean),
             self.const("var", var)], [bn], name=bn, epsilon=1e-5))
        out = self.name(act)
        if act == "relu":
            self.nodes.append(helper.make_node("Relu", [bn], [out], name=out))
        else:  # relu6
            self.nodes.append(helper.make_node(
                "Clip", [bn, self.const("lo", np.array(0, np.float32)), self.const("hi", np.array(6, np.float32))],
                [out], name=out))
        return out

    def block(self, x, channels, hw, act="relu6"):
        """Depthwise 3x3 + pointwise 1x1 with a residual add."""
        d = self.conv(x, channels, channels, 3, hw, groups=channels, act=act)
        p = self.conv(d, channels, channels, 1, hw, act="relu")
        out = self.name("add")
        self.nodes.append(helper.make_node("Add", [x, p], [out], name=out))
        return out

    def down(self, x, cin, cout, hw):
        """Strided depthwise 3x3 + pointwise 1x1 expanding the channels."""
        d = self.conv(x, cin, cin, 3, hw, stride=2, groups=cin, act="relu6")
        return self.conv(d, cin, cout, 1, hw, act="relu")


def build_model(seed):
    b = Builder(seed)
    s2 = (HEIGHT // 2, WIDTH // 2)
    s4 = (HEIGHT // 4, WIDTH // 4)
    s8 = (HEIGHT // 8, WIDTH // 8)
    s16 = (HEIGHT // 16, WIDTH // 16)
    t = b.conv("images", 3, 24, 3, s2, stride=2)
    t = b.conv(t, 24, 48, 3, s4, stride=2)
    t = b.conv(t, 48, 64, 1, s4)
    t = b.block(t, 64, s4)
    t = b.down(t, 64, 128, s8)
    t = b.block(t, 128, s8)
    p8 = b.block(t, 128, s8)
    t = b.down(p8, 128, 256, s16)
    t = b.block(t, 256, s16)
    p16 = b.block(t, 256, s16)
    # Neck: upsample the stride-16 features 2x, concatenate with stride 8, fuse with a 3x3 conv.
    up = b.name("upsample")
    b.nodes.append(helper.make_node(
        "Resize", [p16, "", b.const("scales", np.array([1, 1, 2, 2], np.float32))], [up], name=up,
        mode="nearest", coordinate_transformation_mode="asymmetric", nearest_mode="floor"))
    cat = b.name("concat")
    b.nodes.append(helper.make_node("Concat", [up, p8], [cat], name=cat, axis=1))
    t = b.conv(cat, 384, 128, 1, s8)
    n8 = b.conv(t, 128, 128, 3, s8)
    head8 = b.conv(n8, 128, HEAD, 1, s8, act=None, bias=True)
    head16 = b.conv(p16, 256, HEAD, 1, s16, act=None, bias=True)
    b.nodes.append(helper.make_node("Identity", [head8], ["head_stride8"], name="out8"))
    b.nodes.append(helper.make_node("Identity", [head16], ["head_stride16"], name="out16"))
    graph = helper.make_graph(
        b.nodes, "hiyari-detector-like",
        [helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, HEIGHT, WIDTH])],
        [helper.make_tensor_value_info("head_stride8", TensorProto.FLOAT, [1, HEAD, *s8]),
         helper.make_tensor_value_info("head_stride16", TensorProto.FLOAT, [1, HEAD, *s16])],
        b.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="hiyari-make-detector")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model, b.macs


def images(rng, count):
    """Smooth synthetic scenes in [0, 1]: gradients, rectangles and mild noise, so activations
    have the spatial structure of real frames rather than white noise."""
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    out = []
    for _ in range(count):
        img = np.empty((3, HEIGHT, WIDTH), np.float32)
        for c in range(3):
            a, bx, by = rng.uniform(0.2, 0.6), rng.uniform(-1, 1), rng.uniform(-1, 1)
            img[c] = a + 0.3 * (bx * xs / WIDTH + by * ys / HEIGHT)
        for _ in range(rng.integers(3, 9)):
            h, w = rng.integers(10, HEIGHT // 2), rng.integers(10, WIDTH // 3)
            y0, x0 = rng.integers(0, HEIGHT - h), rng.integers(0, WIDTH - w)
            img[:, y0:y0 + h, x0:x0 + w] = rng.uniform(0, 1, (3, 1, 1))
        img += rng.normal(0, 0.02, img.shape).astype(np.float32)
        out.append(np.clip(img, 0, 1)[None].astype(np.float32))
    return out


def quantize(fp32_path, out_path, calibration, activation, per_channel, work):
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter([{"images": x} for x in calibration])

        def get_next(self):
            return next(self.items, None)

    pre = os.path.join(work, "detector-fp32-pre.onnx")
    quant_pre_process(fp32_path, pre, skip_symbolic_shape=True)
    quantize_static(
        pre, out_path, Reader(), quant_format=QuantFormat.QDQ, per_channel=per_channel,
        reduce_range=True, activation_type=activation, weight_type=QuantType.QInt8)
    os.remove(pre)


def run_ort(path, inputs, threads=1):
    import onnxruntime as ort
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    return names, [dict(zip(names, session.run(None, {"images": x}))) for x in inputs]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", nargs="?", default="build/detector")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--samples", type=int, default=3, help="test images with reference outputs")
    parser.add_argument("--calibration", type=int, default=16, help="calibration images")
    args = parser.parse_args()
    from onnxruntime.quantization import QuantType
    import onnxruntime

    os.makedirs(args.out, exist_ok=True)
    model, macs = build_model(args.seed)
    fp32 = os.path.join(args.out, "detector-fp32.onnx")
    onnx.save(model, fp32)
    rng = np.random.default_rng(args.seed + 1)
    calibration = images(rng, args.calibration)
    samples = images(rng, args.samples)
    variants = {
        "fp32": fp32,
        "u8s8": os.path.join(args.out, "detector-u8s8.onnx"),
        "s8s8": os.path.join(args.out, "detector-s8s8.onnx"),
    }
    quantize(fp32, variants["u8s8"], calibration, QuantType.QUInt8, True, args.out)
    quantize(fp32, variants["s8s8"], calibration, QuantType.QInt8, False, args.out)
    os.makedirs(os.path.join(args.out, "inputs"), exist_ok=True)
    for k, x in enumerate(samples):
        np.save(os.path.join(args.out, "inputs", f"sample-{k}.npy"), x)
    outputs = {}
    for variant, path in variants.items():
        names, results = run_ort(path, samples)
        for k, result in enumerate(results):
            folder = os.path.join(args.out, "reference", variant, f"sample-{k}")
            os.makedirs(folder, exist_ok=True)
            for name, value in result.items():
                np.save(os.path.join(folder, f"{name}.npy"), value.astype(np.float32))
                outputs[name] = list(value.shape)
    manifest = {
        "seed": args.seed,
        "input": {"name": "images", "shape": [1, 3, HEIGHT, WIDTH]},
        "outputs": outputs,
        "samples": args.samples,
        "macs": macs,
        "variants": {k: os.path.basename(v) for k, v in variants.items()},
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
        "script_sha256": hashlib.sha256(open(__file__, "rb").read()).hexdigest(),
    }
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    print(f"{args.out}: {macs / 1e9:.3f} GMACs, variants {', '.join(variants)}, {args.samples} samples")


if __name__ == "__main__":
    sys.exit(main())
