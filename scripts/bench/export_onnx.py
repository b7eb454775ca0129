"""Exports the ONNX models the benchmark runs on ONNX Runtime (bench/engines/ort.ts), from PyTorch.

Usage: python scripts/bench/export_onnx.py KIND 'SPEC_JSON' OUT.onnx
KIND: matmul (inputs a [m,k], b [k,n]) | conv2d (input x NCHW; weights fixed; spec as in
bench/workloads/conv2d.ts) | resnet50 | mobilenetv2 (the PyTorch twins in bench/py/torch_models.py, random
weights, eval mode; input x [batch, 3, size, size]). Uses torch's TorchScript exporter, which needs no `onnx` package once its
optional custom-function pass (a no-op without custom ops) is skipped.
"""
import json
import os
import sys
import warnings

import torch

warnings.filterwarnings("ignore")


def _skip_onnxscript_pass():
    # The pass only inserts onnxscript custom functions; these models have none, so it returns its input.
    try:
        from torch.onnx._internal.torchscript_exporter import onnx_proto_utils
    except ImportError:
        from torch.onnx import _onnx_proto_utils as onnx_proto_utils  # older torch
    onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes


class MatMul(torch.nn.Module):
    def forward(self, a, b):
        return a @ b


def conv_module(spec):
    c, f = spec["c"], spec["filters"]
    groups = c if spec.get("depthwise") else 1
    out = c * spec.get("multiplier", 1) if groups > 1 else f
    stride = spec.get("stride", 1)
    pad = "valid" if spec["padding"] == "valid" else "same"
    if pad == "same" and stride != 1:
        raise SystemExit("conv2d export: padding same with stride > 1 is not supported by torch Conv2d")
    conv = torch.nn.Conv2d(c, out, (spec["kh"], spec["kw"]), stride=stride, padding=pad, groups=groups, bias=False)
    return conv.eval()


def main():
    kind, spec, out = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
    _skip_onnxscript_pass()
    torch.manual_seed(0)
    if kind == "matmul":
        model = MatMul()
        args = (torch.randn(spec["m"], spec["k"]), torch.randn(spec["k"], spec["n"]))
        names = ["a", "b"]
    elif kind == "conv2d":
        model = conv_module(spec)
        args = (torch.randn(spec["n"], spec["c"], spec["h"], spec["w"]),)
        names = ["x"]
    elif kind in ("resnet50", "mobilenetv2"):
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "py"))
        from torch_models import MODELS

        model = MODELS[kind](spec["classes"]).eval()
        args = (torch.randn(spec["batch"], 3, spec["size"], spec["size"]),)
        names = ["x"]
    else:
        raise SystemExit(f"export_onnx.py: unknown kind {kind!r}; expected matmul, conv2d, resnet50 or mobilenetv2")
    with torch.no_grad():
        torch.onnx.export(model, args, out, dynamo=False, input_names=names, output_names=["y"], opset_version=17)
    print(out)


if __name__ == "__main__":
    main()
