#!/usr/bin/env python3
"""Writes a PyTorch model's state dict as safetensors (PyTorch's layout) plus its outputs, for Descent's tests.

Run offline: /usr/bin/python3 nn/src/test/python/generate_interop.py nn/src/test/resources/interop
The file layout follows the reference safetensors writer (tensors ordered by dtype alignment then name, compact
JSON header padded with spaces to 8 bytes, little-endian data); the model is torch.nn.Sequential(Linear(3, 4),
ReLU(), Linear(4, 2)) in float64, so names are 0.weight (4, 3), 0.bias, 2.weight (2, 4), 2.bias.
"""
import json
import struct
import sys

import torch

out = sys.argv[1]
torch.manual_seed(11)
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
state = model.state_dict()
header = {"__metadata__": {"format": "pt"}}
offset = 0
blobs = []
for name in sorted(state):
    t = state[name].contiguous()
    data = b"".join(struct.pack("<d", v) for v in t.reshape(-1).tolist())
    header[name] = {"dtype": "F64", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
    blobs.append(data)
text = json.dumps(header, separators=(",", ":")).encode()
text += b" " * ((8 - len(text) % 8) % 8)
with open(out + "/torch_mlp.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64)
with torch.no_grad():
    y = model(x)
with open(out + "/torch_mlp_output.txt", "w") as f:
    f.write(" ".join(repr(v) for v in x.reshape(-1).tolist()) + "\n")
    f.write(" ".join(repr(v) for v in y.reshape(-1).tolist()) + "\n")
