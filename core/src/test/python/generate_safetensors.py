#!/usr/bin/env python3
"""Writes safetensors files the way the reference Python writer lays them out, for Descent's reader tests.

Run offline: /usr/bin/python3 core/src/test/python/generate_safetensors.py core/src/test/resources/safetensors
The reference writer orders tensors by dtype alignment (largest first) then name, writes a compact JSON header with
__metadata__ first, and pads the header with spaces to a multiple of 8 bytes. Values are little-endian.
"""
import json
import struct
import sys

import torch

SIZES = {"F64": 8, "F32": 4, "I32": 4}
FORMATS = {"F64": "<d", "F32": "<f", "I32": "<i"}


def write(path, tensors, metadata=None):
    order = sorted(tensors.items(), key=lambda kv: (-SIZES[kv[1][0]], kv[0]))
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    offset = 0
    blobs = []
    for name, (dtype, shape, values) in order:
        data = b"".join(struct.pack(FORMATS[dtype], v) for v in values)
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


out = sys.argv[1]
torch.manual_seed(7)
lin = torch.nn.Linear(3, 2).double()
write(out + "/torch_linear.safetensors", {
    "weight": ("F64", lin.weight.shape, lin.weight.detach().reshape(-1).tolist()),
    "bias": ("F64", lin.bias.shape, lin.bias.detach().reshape(-1).tolist()),
    "steps": ("I32", (2,), [7, -3]),
    "scale": ("F32", (), [0.5]),
    "empty": ("F32", (0, 3), []),
}, {"format": "pt", "source": "torch.nn.Linear(3, 2)"})
