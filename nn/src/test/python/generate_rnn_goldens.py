#!/usr/bin/env python3
"""Generates PyTorch reference values for Descent's recurrent layers and cells
(dev.descent.nn.recurrent.RecurrentGoldenTest) and the PyTorch-trained LSTM and GRU that Descent loads from safetensors
(dev.descent.nn.recurrent.RecurrentInteropTest).

Run offline (the tests never call Python):
    /usr/bin/python3 nn/src/test/python/generate_rnn_goldens.py nn/src/test/resources

Needs Debian's python3-torch. Writes
  goldens/recurrent.txt: in float64, in the format of generate_layer_goldens.py, per case the input x, the initial
      states (h0, then c0 for the LSTM), the parameters in PyTorch's state-dict order (weight_ih_l0, weight_hh_l0,
      bias_ih_l0, bias_hh_l0, the same with _reverse, then l1, ...; a cell's weight_ih, weight_hh, bias_ih, bias_hh),
      and for variable-length cases the lengths (an index input, last). The output is the concatenation of the
      flattened output, h_n and (LSTM) c_n; the weight w has its shape, and the gradients are those of sum(y * w)
      with respect to x, the states and every parameter. Variable-length cases run pack_padded_sequence(x, lengths,
      batch_first, enforce_sorted=False) and pad_packed_sequence(..., total_length=T).
  interop/torch_lstm.safetensors, interop/torch_gru.safetensors: float32 state dicts of a 2-layer bidirectional
      nn.LSTM(5, 6) and a 2-layer nn.GRU(5, 6, batch_first=True), after a few SGD steps so that no parameter holds
      its initial value; interop/torch_lstm_output.txt and torch_gru_output.txt: the input (first line) and the
      concatenated flattened output, h_n (and c_n) of the float32 model (second line), with zero initial states.
"""
import os
import sys

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_interop import write_outputs, write_safetensors  # noqa: E402  (the shared safetensors writer)

torch.manual_seed(20261203)
torch.set_default_dtype(torch.float64)
root = sys.argv[1]
OUT = open(os.path.join(root, "goldens", "recurrent.txt"), "w")
T, B, F, H = 7, 3, 4, 5


def fmt(t):
    t = t.detach().to(torch.float64)
    dims = list(t.shape)
    return " ".join([str(len(dims))] + [str(d) for d in dims] + [repr(float(v)) for v in t.reshape(-1).tolist()])


def rand(*shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(tuple(shape))


def write(name, inputs, lengths, ys):
    y = torch.cat([t.reshape(-1) for t in ys])
    w = rand(*y.shape)
    (y * w).sum().backward()
    OUT.write("case %s\n" % name)
    for t in inputs:
        OUT.write("input param %s\n" % fmt(t))
    if lengths is not None:
        OUT.write("input index %s\n" % fmt(torch.tensor(lengths, dtype=torch.float64)))
    OUT.write("weight %s\n" % fmt(w))
    OUT.write("output %s\n" % fmt(y))
    for i, t in enumerate(inputs):
        OUT.write("grad %d %s\n" % (i, fmt(t.grad)))
    OUT.write("end\n")


def layer_case(name, layer, lengths=None, unbatched=False):
    """The layer (PyTorch's default initialisation) on a random input from random initial states."""
    d = 2 if layer.bidirectional else 1
    lstm = isinstance(layer, nn.LSTM)
    if unbatched:
        x = rand(T, F)
        states = [rand(layer.num_layers * d, H) for _ in range(2 if lstm else 1)]
    else:
        x = rand(B, T, F) if layer.batch_first else rand(T, B, F)
        states = [rand(layer.num_layers * d, B, H) for _ in range(2 if lstm else 1)]
    for t in [x] + states:
        t.requires_grad_(True)
    params = [p for _, p in layer.named_parameters()]
    hidden = tuple(states) if lstm else states[0]
    if lengths is None:
        out, hn = layer(x, hidden)
    else:
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=layer.batch_first, enforce_sorted=False)
        out, hn = layer(packed, hidden)
        out, _ = pad_packed_sequence(out, batch_first=layer.batch_first, total_length=T)
    ys = [out] + (list(hn) if lstm else [hn])
    write(name, [x] + states + params, lengths, ys)


def cell_case(name, cell, single=False):
    lstm = isinstance(cell, nn.LSTMCell)
    x = rand(F) if single else rand(B, F)
    states = [rand(H) if single else rand(B, H) for _ in range(2 if lstm else 1)]
    for t in [x] + states:
        t.requires_grad_(True)
    params = [p for _, p in cell.named_parameters()]
    y = cell(x, tuple(states) if lstm else states[0])
    ys = list(y) if lstm else [y]
    write(name, [x] + states + params, None, ys)


LENGTHS = [4, 7, 2]  # unsorted, one full length
for kind, make in (("rnn_tanh", lambda **k: nn.RNN(F, H, nonlinearity="tanh", **k)),
                   ("rnn_relu", lambda **k: nn.RNN(F, H, nonlinearity="relu", **k)),
                   ("lstm", lambda **k: nn.LSTM(F, H, **k)),
                   ("gru", lambda **k: nn.GRU(F, H, **k))):
    layer_case(kind + "_2layers_bidirectional", make(num_layers=2, bidirectional=True))
    layer_case(kind + "_2layers_bidirectional_batch_first", make(num_layers=2, bidirectional=True, batch_first=True))
    layer_case(kind + "_1layer", make())
    layer_case(kind + "_2layers_no_bias", make(num_layers=2, bias=False))
    layer_case(kind + "_packed_2layers_bidirectional", make(num_layers=2, bidirectional=True), lengths=LENGTHS)
    layer_case(kind + "_packed_batch_first_bidirectional", make(bidirectional=True, batch_first=True),
               lengths=LENGTHS)
    layer_case(kind + "_unbatched_bidirectional", make(num_layers=2, bidirectional=True), unbatched=True)

cell_case("rnn_cell_tanh", nn.RNNCell(F, H))
cell_case("rnn_cell_relu", nn.RNNCell(F, H, nonlinearity="relu"))
cell_case("rnn_cell_no_bias_single", nn.RNNCell(F, H, bias=False), single=True)
cell_case("lstm_cell", nn.LSTMCell(F, H))
cell_case("lstm_cell_single", nn.LSTMCell(F, H), single=True)
cell_case("gru_cell", nn.GRUCell(F, H))
cell_case("gru_cell_no_bias_single", nn.GRUCell(F, H, bias=False), single=True)
OUT.close()


def trained(layer, x):
    """A few SGD steps on a random target, so that the stored weights are not the initial ones."""
    opt = torch.optim.SGD(layer.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        out, _ = layer(x)
        (out - 0.5).square().mean().backward()
        opt.step()
    return layer


torch.set_default_dtype(torch.float32)
torch.manual_seed(5)
for name, layer, x in (("lstm", nn.LSTM(5, 6, num_layers=2, bidirectional=True), torch.randn(4, 3, 5)),
                       ("gru", nn.GRU(5, 6, num_layers=2, batch_first=True), torch.randn(3, 4, 5))):
    trained(layer, x).eval()
    write_safetensors(os.path.join(root, "interop", "torch_%s.safetensors" % name), layer.state_dict())
    x = torch.randn(*x.shape)
    with torch.no_grad():
        out, hn = layer(x)
    ys = [out] + (list(hn) if name == "lstm" else [hn])
    write_outputs(os.path.join(root, "interop", "torch_%s_output.txt" % name), x,
                  torch.cat([t.reshape(-1) for t in ys]))
