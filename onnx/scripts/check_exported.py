#!/usr/bin/python3
"""Checks the ONNX files Descent exported (the fixtures of ExportedFixturesTest) with onnx.checker, offline.

Run after regenerating the fixtures:  /usr/bin/python3 onnx/scripts/check_exported.py
It runs onnx.checker.check_model with full_check=True (which includes strict shape inference) on every file and
prints the opset, the graph's inputs and outputs with their shapes, and the operators used; it exits non-zero on
the first file the checker rejects.
"""
import pathlib
import sys

import onnx

DIR = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/dev/descent/onnx/exported"


def shape(v):
    return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]


def main():
    files = sorted(DIR.glob("*.onnx"))
    if not files:
        sys.exit("no fixtures in " + str(DIR))
    for path in files:
        model = onnx.load(str(path))
        onnx.checker.check_model(model, full_check=True)
        g = model.graph
        ops = sorted({n.op_type for n in g.node})
        print(f"{path.name}: ok (onnx {onnx.__version__}, opset {model.opset_import[0].version}, "
              f"in {[(i.name, shape(i)) for i in g.input]}, out {[(o.name, shape(o)) for o in g.output]}, ops {ops})")


if __name__ == "__main__":
    main()
