#!/usr/bin/env python3
"""Writes ONNX's operator conformance cases (the `node` backend tests) as files.

The onnx wheel ships the generators of these cases (onnx/backend/test/case/node/*.py) but, since
onnx 1.16 or so, not their serialized output (onnx/backend/test/data/node). This script runs the
generators and writes the layout ONNX's own repository has:

    OUTPUT/test_NAME/model.onnx
    OUTPUT/test_NAME/test_data_set_0/input_0.pb, output_0.pb, ...   (serialized TensorProto)

Usage: onnx-node-tests.py OUTPUT_DIR        (run with the venv's python: /opt/hiyari-venv/bin/python)
It writes into a temporary sibling directory and renames it into place, so a half-written
directory is never mistaken for a complete one. Non-tensor cases (sequences, maps, optionals) are
skipped: the engine has no such types.
"""
import os
import shutil
import sys
import tempfile

import onnx
from onnx import TensorProto, numpy_helper
from onnx.backend.test.case import node as node_cases


def write_case(case, root):
    directory = os.path.join(root, case.name)
    os.makedirs(directory)
    with open(os.path.join(directory, "model.onnx"), "wb") as f:
        f.write(case.model.SerializeToString())
    graph = case.model.graph
    for index, (inputs, outputs) in enumerate(case.data_sets):
        data_set = os.path.join(directory, f"test_data_set_{index}")
        os.makedirs(data_set)
        for kind, values, infos in (("input", inputs, graph.input), ("output", outputs, graph.output)):
            for j, value in enumerate(values):
                if not infos[j].type.HasField("tensor_type"):
                    continue
                proto = value if isinstance(value, TensorProto) else numpy_helper.from_array(value, infos[j].name)
                with open(os.path.join(data_set, f"{kind}_{j}.pb"), "wb") as f:
                    f.write(proto.SerializeToString())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: onnx-node-tests.py OUTPUT_DIR")
    output = os.path.abspath(sys.argv[1])
    parent = os.path.dirname(output)
    os.makedirs(parent, exist_ok=True)
    staging = tempfile.mkdtemp(prefix=".onnx-node-tests-", dir=parent)
    count = 0
    for case in node_cases.collect_testcases():
        if case.kind != "node" or not case.model or not case.data_sets:
            continue
        if not all(i.type.HasField("tensor_type") for i in list(case.model.graph.input) + list(case.model.graph.output)):
            continue
        write_case(case, staging)
        count += 1
    with open(os.path.join(staging, "VERSION"), "w") as f:
        f.write(f"onnx {onnx.__version__}, {count} cases\n")
    if os.path.exists(output):
        shutil.rmtree(output)
    os.rename(staging, output)
    print(f"wrote {count} ONNX node test cases (onnx {onnx.__version__}) to {output}")


if __name__ == "__main__":
    main()
