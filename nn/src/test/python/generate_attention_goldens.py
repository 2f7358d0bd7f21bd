#!/usr/bin/env python3
"""Generates PyTorch reference values for Descent's attention, Transformer encoder and positional layers
(dev.descent.nn.layers.AttentionGoldenTest).

Run offline (the tests never call Python):
    /usr/bin/python3 nn/src/test/python/generate_attention_goldens.py nn/src/test/resources

Needs Debian's python3-torch (1.13). Writes goldens/attention.txt in float64, in the format of
generate_layer_goldens.py: per case the layer's inputs (query, key and value, or the one input of self-attention),
its parameters in PyTorch's layout and in named_parameters() order, then its masks (a boolean mask as kind "index",
0/1; a float mask as kind "const"), a weight tensor w, the output y and the gradients of sum(y * w) with respect to
the inputs and every parameter the output depends on:
    case NAME
    input KIND RANK DIMS... VALUES...      (KIND: param | const | index)
    weight RANK DIMS... VALUES...
    output RANK DIMS... VALUES...
    grad I RANK DIMS... VALUES...          (I: the input's position)
    end
Every MultiheadAttention configuration gives two cases, NAME_out (the attention's output) and NAME_weights (the
attention weights). Every layer is in eval mode, or has dropout 0, with gradients enabled, so PyTorch takes its
reference path (not the fused inference fast path).
"""
import math
import os
import sys

import torch
import torch.nn as nn

torch.manual_seed(20261204)
torch.set_default_dtype(torch.float64)
root = sys.argv[1]
OUT = open(os.path.join(root, "goldens", "attention.txt"), "w")


def fmt(t):
    t = t.detach().to(torch.float64)
    dims = list(t.shape)
    return " ".join([str(len(dims))] + [str(d) for d in dims] + [num(v) for v in t.reshape(-1).tolist()])


def num(v):
    """repr of a float, with NaN as Java spells it (a fully masked row is NaN, as in PyTorch)."""
    return "NaN" if math.isnan(v) else repr(float(v))


def rand(*shape, lo=-1.0, hi=1.0):
    return lo + (hi - lo) * torch.rand(tuple(shape))


def randomize(module, scale=0.5):
    """Random parameters (so that zero biases and unit norm weights are not special)."""
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(rand(*p.shape, lo=-scale, hi=scale))
    return module


def write(name, inputs, kinds, y, masks):
    """inputs: tensors requiring grad (in order), masks: (kind, tensor) constants after them."""
    for t in inputs:
        t.grad = None
    w = rand(*y.shape)
    (y * w).sum().backward(retain_graph=True)
    OUT.write("case %s\n" % name)
    for k, t in zip(kinds, inputs):
        OUT.write("input %s %s\n" % (k, fmt(t)))
    for k, t in masks:
        OUT.write("input %s %s\n" % (k, fmt(t)))
    OUT.write("weight %s\n" % fmt(w))
    OUT.write("output %s\n" % fmt(y))
    for i, t in enumerate(inputs):
        if t.grad is not None:  # none for a parameter the output does not depend on (out_proj for the weights)
            OUT.write("grad %d %s\n" % (i, fmt(t.grad)))
    OUT.write("end\n")


def mask_entries(kpm, attn_mask):
    out = []
    for m in (kpm, attn_mask):
        if m is not None:
            out.append(("index" if m.dtype == torch.bool else "const", m.to(torch.float64)))
    return out


def mha_case(name, mha, q, k=None, v=None, kpm=None, attn_mask=None, average=True):
    """Self-attention when k is None (the one input x = q = k = v), otherwise q, k, v as given."""
    mha.eval()
    xs = [q] if k is None else [q, k, v]
    xs = [x.clone().requires_grad_(True) for x in xs]
    params = [p for n, p in mha.named_parameters()]
    qq, kk, vv = (xs[0], xs[0], xs[0]) if k is None else xs
    out, weights = mha(qq, kk, vv, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=True,
                       average_attn_weights=average)
    masks = mask_entries(kpm, attn_mask)
    write(name + "_out", xs + params, ["param"] * (len(xs) + len(params)), out, masks)
    write(name + "_weights", xs + params, ["param"] * (len(xs) + len(params)), weights, masks)


def module_case(name, module, x, kpm=None, mask=None):
    module.eval()
    x = x.clone().requires_grad_(True)
    params = [p for n, p in module.named_parameters()]
    y = module(x, mask, kpm)
    write(name, [x] + params, ["param"] * (1 + len(params)), y, mask_entries(kpm, mask))


def padding(lengths, s):
    return torch.tensor([[j >= n for j in range(s)] for n in lengths])


causal4 = nn.Transformer.generate_square_subsequent_mask(4)

# MultiheadAttention: sequence-first (L, N, E) unless batch_first
mha_case("mha_self", randomize(nn.MultiheadAttention(6, 2)), rand(4, 3, 6))
mha_case("mha_self_key_padding", randomize(nn.MultiheadAttention(6, 3)), rand(5, 3, 6), kpm=padding([5, 2, 4], 5))
mha_case("mha_self_causal_float", randomize(nn.MultiheadAttention(4, 2)), rand(4, 2, 4), attn_mask=causal4)
mha_case("mha_self_bool_mask_and_padding", randomize(nn.MultiheadAttention(4, 1)), rand(4, 2, 4),
         kpm=padding([4, 3], 4), attn_mask=torch.tensor([[False, True, False, False], [False, False, True, False],
                                                         [True, False, False, False], [False, False, False, True]]))
mha_case("mha_float_mask_3d_per_head", randomize(nn.MultiheadAttention(6, 2)), rand(3, 2, 6), rand(4, 2, 6),
         rand(4, 2, 6), attn_mask=rand(4, 3, 4, lo=-2.0, hi=2.0), average=False)
mha_case("mha_float_mask_and_padding", randomize(nn.MultiheadAttention(4, 2)), rand(3, 2, 4), rand(5, 2, 4),
         rand(5, 2, 4), kpm=padding([5, 3], 5), attn_mask=rand(3, 5, lo=-1.0, hi=1.0))
mha_case("mha_kdim_vdim", randomize(nn.MultiheadAttention(6, 3, kdim=4, vdim=5)), rand(3, 2, 6), rand(5, 2, 4),
         rand(5, 2, 5), kpm=padding([5, 2], 5))
mha_case("mha_batch_first_causal_padding", randomize(nn.MultiheadAttention(4, 2, batch_first=True)), rand(3, 4, 4),
         kpm=padding([4, 2, 3], 4), attn_mask=causal4)
mha_case("mha_no_bias", randomize(nn.MultiheadAttention(4, 2, bias=False)), rand(3, 2, 4), rand(4, 2, 4),
         rand(4, 2, 4))
mha_case("mha_bias_kv_zero_attn", randomize(nn.MultiheadAttention(4, 2, add_bias_kv=True, add_zero_attn=True)),
         rand(3, 2, 4), kpm=padding([3, 1], 3), attn_mask=causal4[:3, :3])
mha_case("mha_unbatched", randomize(nn.MultiheadAttention(4, 2)), rand(3, 4), rand(5, 4), rand(5, 4),
         kpm=torch.tensor([False, False, True, False, True]))
mha_case("mha_fully_masked_sample", randomize(nn.MultiheadAttention(4, 2)), rand(3, 2, 4),
         kpm=torch.tensor([[False, True, False], [True, True, True]]))


def encoder_layer(d, h, ff, activation, norm_first, batch_first=False):
    return randomize(nn.TransformerEncoderLayer(d, h, ff, dropout=0.0, activation=activation, norm_first=norm_first,
                                                batch_first=batch_first))


module_case("encoder_layer_post_relu", encoder_layer(8, 2, 16, "relu", False), rand(5, 3, 8), kpm=padding([5, 3, 4], 5))
module_case("encoder_layer_post_gelu", encoder_layer(8, 4, 12, "gelu", False), rand(4, 2, 8), mask=causal4)
module_case("encoder_layer_pre_relu", encoder_layer(8, 2, 16, "relu", True), rand(4, 2, 8), kpm=padding([4, 2], 4),
            mask=causal4)
module_case("encoder_layer_pre_gelu_batch_first", encoder_layer(6, 3, 10, "gelu", True, batch_first=True),
            rand(3, 5, 6), kpm=padding([5, 1, 3], 5))

torch.manual_seed(20261205)
stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0), 2, norm=nn.LayerNorm(8))
module_case("encoder_2_layers_norm", randomize(stack), rand(6, 3, 8), kpm=padding([6, 4, 2], 6), mask=None)
stack = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 4, 16, dropout=0.0, activation="gelu", norm_first=True), 2)
module_case("encoder_2_layers_pre_gelu_causal", randomize(stack), rand(5, 2, 8), kpm=padding([5, 3], 5),
            mask=nn.Transformer.generate_square_subsequent_mask(5))


# positional encodings: the PyTorch tutorial's PositionalEncoding (eval: no dropout) and a learned table
def sinusoidal(d_model, max_len):
    position = torch.arange(max_len).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2) * (-math.log(10000.0) / d_model))
    pe = torch.zeros(max_len, 1, d_model)
    pe[:, 0, 0::2] = torch.sin(position * div_term)
    pe[:, 0, 1::2] = torch.cos(position * div_term)
    return pe


x = rand(7, 2, 6).requires_grad_(True)
write("positional_sinusoidal", [x], ["param"], x + sinusoidal(6, 20)[:7], [])
table = rand(10, 6).requires_grad_(True)
x = rand(2, 7, 6).requires_grad_(True)
write("positional_learned_batch_first", [x, table], ["param", "param"], x + table[:7].unsqueeze(0), [])
OUT.close()
