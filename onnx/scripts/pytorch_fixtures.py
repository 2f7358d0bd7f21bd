#!/usr/bin/python3
"""Writes the PyTorch-exported ONNX fixtures of descent-onnx's import tests (run offline, by hand).

Each model is exported by torch.onnx.export (opset 17, batch axis dynamic, input 'input', output 'output') and
stored beside a JSON golden: a random input batch and PyTorch's output on it, computed in float64 from the same
weights (the float32 models' weights are exactly representable in float64). Tests read these files and never call
Python. Run with Debian's torch:  /usr/bin/python3 onnx/scripts/pytorch_fixtures.py [name ...]
"""
import json
import pathlib
import sys

import onnx
import torch
from torch import nn

OUT = pathlib.Path(__file__).resolve().parent.parent / "src/test/resources/dev/descent/onnx/pytorch"


def mlp():
    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(), nn.Linear(8, 3))


def activations():
    return nn.Sequential(
        nn.Flatten(), nn.Linear(6, 8), nn.GELU(), nn.Linear(8, 8), nn.LeakyReLU(0.1), nn.Linear(8, 8), nn.ELU(0.7),
        nn.Linear(8, 8), nn.Sigmoid(), nn.Linear(8, 8), nn.Softplus(), nn.Dropout(0.3), nn.Linear(8, 4),
        nn.LogSoftmax(dim=1))


def cnn():
    # BatchNorm2d after the ReLU, so the exporter cannot fold it into the convolution before it
    return nn.Sequential(
        nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(), nn.BatchNorm2d(6), nn.MaxPool2d(2),
        nn.Conv2d(6, 8, 3, padding=1, groups=2), nn.ReLU(),
        nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False), nn.Flatten(),
        nn.Linear(72, 16), nn.LayerNorm(16), nn.ReLU(), nn.Linear(16, 5))


def upsample():
    return nn.Sequential(
        nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1), nn.Tanh(),
        nn.MaxPool2d(3, stride=2, padding=1, dilation=1, ceil_mode=True), nn.Conv2d(4, 4, 2, dilation=2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))


def conv1d():
    return nn.Sequential(
        nn.Conv1d(3, 4, 3, stride=2, padding=2, dilation=2), nn.ReLU(), nn.MaxPool1d(2, ceil_mode=True),
        nn.Flatten(), nn.Linear(12, 2))


class Tagger(nn.Module):
    """Token indices (batch, time) -> per-token scores: Embedding, a batch-first LSTM, Linear."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(13, 6)
        self.lstm = nn.LSTM(6, 5, batch_first=True)
        self.out = nn.Linear(5, 4)

    def forward(self, x):
        y, _ = self.lstm(self.emb(x))
        return self.out(y)


class Recurrent(nn.Module):
    """(time, batch, features) -> (time, batch, 3): a two-layer bidirectional LSTM, GRU or RNN, then Linear."""

    def __init__(self, cell, **options):
        super().__init__()
        self.rnn = cell(3, 4, num_layers=2, bidirectional=True, **options)
        self.out = nn.Linear(8, 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.out(y)


def encoder():
    """A two-layer post-norm Transformer encoder (sequence-first, so that PyTorch 1.13 takes its reference path, the
    one ONNX export decomposes) with GELU, a final LayerNorm, then Linear; the parameters
    moved off their initial values (the attention's biases start at zero)."""
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1, activation="gelu")
    model = nn.Sequential()
    model.add_module("encoder", nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False))
    model.add_module("out", nn.Linear(8, 3))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn(p.shape) * 0.2)
    return model


class MaskedEncoder(nn.Module):
    """(time, batch, 8), a boolean attention mask (time, time) and a boolean key-padding mask (batch, time) (True: may
    not attend) -> (time, batch, 3): a two-layer post-norm TransformerEncoder (ReLU, sequence-first: PyTorch 1.13's
    reference path), then Linear; the parameters moved off their initial values."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.1)
        self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.out = nn.Linear(8, 3)
        with torch.no_grad():
            for p in self.parameters():
                p.add_(torch.randn(p.shape) * 0.2)

    def forward(self, x, mask, padding):
        return self.out(self.encoder(x, mask=mask, src_key_padding_mask=padding))


def masks(time, batch, generator):
    """Random boolean masks, one in three set, key 0 never (so that no query loses every key: PyTorch gives NaN)."""
    mask = torch.rand(time, time, generator=generator) < 1 / 3
    padding = torch.rand(batch, time, generator=generator) < 1 / 3
    mask[:, 0] = False
    padding[:, 0] = False
    return mask, padding


def write_masked(name, seed):
    """The masked encoder: three graph inputs (input, attn_mask, key_padding_mask), time and batch dynamic."""
    torch.manual_seed(seed)
    model = MaskedEncoder().eval()
    g = torch.Generator().manual_seed(seed + 1)
    sample = (torch.randn(4, 3, 8), *masks(4, 3, g))
    path = OUT / (name + ".onnx")
    torch.onnx.export(model, sample, str(path), opset_version=17,
                      input_names=["input", "attn_mask", "key_padding_mask"], output_names=["output"],
                      dynamic_axes={"input": {0: "time", 1: "batch"}, "attn_mask": {0: "time", 1: "time"},
                                    "key_padding_mask": {0: "batch", 1: "time"}, "output": {0: "time", 1: "batch"}})
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    cases = []
    for time, batch in ((5, 2), (3, 6)):
        x = torch.randn(time, batch, 8, dtype=torch.float64, generator=g) * 1.5
        x = x.float().double()  # the float32 model's input, exactly
        mask, padding = masks(time, batch, g)
        y = model.double()(x, mask, padding)  # grad enabled, as in training: the reference path, never a fast path
        model.float()
        cases.append({
            "input": {"shape": list(x.shape), "data": [float(v) for v in x.flatten()]},
            "attn_mask": {"shape": list(mask.shape), "data": [int(v) for v in mask.flatten()]},
            "key_padding_mask": {"shape": list(padding.shape), "data": [int(v) for v in padding.flatten()]},
            "output": {"shape": list(y.shape), "data": [float(v) for v in y.detach().flatten()]},
        })
    golden = {"model": name + ".onnx", "torch": torch.__version__, "cases": cases}
    (OUT / (name + ".json")).write_text(json.dumps(golden, indent=1) + "\n")
    print(name, path.stat().st_size, "bytes,", sorted({n.op_type for n in onnx.load(str(path)).graph.node}))


def warm_up(model, features, dtype, seed):
    """Training-mode passes, so that the batch normalisations' running statistics are not their initial values
    (from a generator of their own; only models with batch normalisation, whose dropout would draw from the global
    stream: the other fixtures' random streams stay as they were)."""
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in model.modules()):
        return model.eval()
    g = torch.Generator().manual_seed(seed)
    model.train()
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(8, *features, dtype=dtype, generator=g) * 1.5 + 0.5)
    return model.eval()


MODELS = [
    # name, builder, input feature shape, dtype
    ("mlp", mlp, (4,), torch.float32),
    ("activations", activations, (2, 3), torch.float32),
    ("mlp64", mlp, (4,), torch.float64),
    ("cnn", cnn, (1, 12, 12), torch.float32),
    ("upsample", upsample, (3, 5, 5), torch.float32),
    ("conv1d", conv1d, (3, 11), torch.float32),
    # recurrent models: the dynamic axis is the batch (axis 0 of the tokens, axis 1 of a time-major sequence)
    ("tagger", Tagger, (7,), torch.int64),
    ("lstm", lambda: Recurrent(nn.LSTM), (2, 3), torch.float32),
    ("gru", lambda: Recurrent(nn.GRU), (2, 3), torch.float32),
    ("rnn", lambda: Recurrent(nn.RNN), (2, 3), torch.float32),
    ("rnn_relu", lambda: Recurrent(nn.RNN, nonlinearity="relu"), (2, 3), torch.float32),
    ("encoder", encoder, (2, 8), torch.float32),
]
TIME_MAJOR = {"lstm", "gru", "rnn", "rnn_relu", "encoder"}


def write(name, build, features, dtype, seed):
    torch.manual_seed(seed)
    integer = not dtype.is_floating_point  # token indices into a float32 model
    model = warm_up(build() if integer else build().to(dtype), features, dtype, seed + 1000).eval()
    sample = torch.randint(0, 13, (2, *features)) if integer else torch.randn(2, *features, dtype=dtype)
    path = OUT / (name + ".onnx")
    axes = {0: "time", 1: "batch"} if name in TIME_MAJOR else {0: "batch"}
    torch.onnx.export(model, sample, str(path), opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": axes, "output": axes})
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    if integer:
        x = torch.randint(0, 13, (5, *features))
    else:
        x = (torch.randn(5, *features, dtype=torch.float64) * 1.5).to(dtype)
    with torch.no_grad():
        y = model.double()(x if integer else x.double())
    golden = {
        "model": name + ".onnx",
        "torch": torch.__version__,
        "input": {"shape": list(x.shape), "data": [float(v) for v in x.double().flatten()]},
        "output": {"shape": list(y.shape), "data": [float(v) for v in y.flatten()]},
    }
    (OUT / (name + ".json")).write_text(json.dumps(golden, indent=1) + "\n")
    print(name, path.stat().st_size, "bytes,", [n.op_type for n in onnx.load(str(path)).graph.node])


if __name__ == "__main__":
    # names on the command line write only those fixtures (each model keeps its seed either way)
    OUT.mkdir(parents=True, exist_ok=True)
    for i, (name, build, features, dtype) in enumerate(MODELS):
        if len(sys.argv) == 1 or name in sys.argv[1:]:
            write(name, build, features, dtype, 100 + i)
    if len(sys.argv) == 1 or "encoder_masked" in sys.argv[1:]:
        write_masked("encoder_masked", 100 + len(MODELS))
