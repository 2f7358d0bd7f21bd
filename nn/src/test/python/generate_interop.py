#!/usr/bin/env python3
"""Writes PyTorch models' state dicts as safetensors (PyTorch's layout) plus their outputs, for Descent's tests.

Run offline: /usr/bin/python3 nn/src/test/python/generate_interop.py nn/src/test/resources/interop
The file layout follows the reference safetensors writer (tensors ordered by dtype alignment then name, compact
JSON header padded with spaces to 8 bytes, little-endian data); the model is torch.nn.Sequential(Linear(3, 4),
ReLU(), Linear(4, 2)) in float64, so names are 0.weight (4, 3), 0.bias, 2.weight (2, 4), 2.bias; the CNN
(torch_cnn.*) is a float32 nn.Sequential of Conv2d, BatchNorm2d, ReLU, MaxPool2d, a grouped Conv2d, BatchNorm2d,
ReLU, AvgPool2d, Flatten and Linear after three training batches, in eval mode; torch_transformer.* is a float32
nn.TransformerEncoder with its outputs under a key-padding mask. Descent has no int64, so
num_batches_tracked is written as I32 (its value is small).
"""
import json
import struct
import sys

import torch


def write_safetensors(path, state):
    """The reference layout: tensors by name, compact JSON header padded to 8 bytes, little-endian data."""
    header = {"__metadata__": {"format": "pt"}}
    offset = 0
    blobs = []
    for name in sorted(state):
        t = state[name].contiguous()
        code, fmt = {torch.float64: ("F64", "<d"), torch.float32: ("F32", "<f"), torch.int64: ("I32", "<i")}[t.dtype]
        data = b"".join(struct.pack(fmt, v) for v in t.reshape(-1).tolist())
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write_outputs(path, x, y):
    with open(path, "w") as f:
        f.write(" ".join(repr(v) for v in x.reshape(-1).tolist()) + "\n")
        f.write(" ".join(repr(v) for v in y.reshape(-1).tolist()) + "\n")


def main():
    out = sys.argv[1]
    torch.manual_seed(11)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    write_safetensors(out + "/torch_mlp.safetensors", model.state_dict())
    x = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], dtype=torch.float64)
    with torch.no_grad():
        y = model(x)
    write_outputs(out + "/torch_mlp_output.txt", x, y)

    torch.manual_seed(7)
    cnn = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 3, padding=1, groups=2), torch.nn.BatchNorm2d(6), torch.nn.ReLU(), torch.nn.AvgPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(6 * 2 * 2, 3)).float()
    cnn.train()
    with torch.no_grad():
        for _ in range(3):
            cnn(torch.randn(8, 1, 8, 8, dtype=torch.float32))  # running statistics that are not the initial ones
    cnn.eval()
    write_safetensors(out + "/torch_cnn.safetensors", cnn.state_dict())
    x = torch.randn(2, 1, 8, 8, dtype=torch.float32)
    with torch.no_grad():
        y = cnn(x)
    write_outputs(out + "/torch_cnn_output.txt", x, y)

    # a float32 nn.TransformerEncoder (2 post-norm blocks and a final LayerNorm) in eval mode, with a key-padding mask
    # for lengths 7, 5, 3; the input requires grad so that PyTorch computes with its reference path (its fused
    # inference path would return zeros at the padded positions)
    torch.manual_seed(13)
    encoder = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(16, 4, 32), 2, norm=torch.nn.LayerNorm(16))
    encoder = encoder.float().eval()
    write_safetensors(out + "/torch_transformer.safetensors", encoder.state_dict())
    x = torch.randn(7, 3, 16, dtype=torch.float32, requires_grad=True)
    padding = torch.tensor([[t >= n for t in range(7)] for n in (7, 5, 3)])
    y = encoder(x, src_key_padding_mask=padding).detach()
    write_outputs(out + "/torch_transformer_output.txt", x.detach(), y)


if __name__ == "__main__":
    main()
