#!/usr/bin/env python3
"""Randomized PyTorch reference values for Descent's MultiheadAttention, TransformerEncoderLayer and
TransformerEncoder (dev.descent.nn.layers.AttentionRandomGoldenTest): many configurations drawn with a fixed seed.

Run offline (the tests never call Python):
    /usr/bin/python3 nn/src/test/python/generate_attention_random_goldens.py nn/src/test/resources

Needs Debian's python3-torch (1.13). Writes goldens/attention_random.txt in the format of
generate_attention_goldens.py (case / input / weight / output / grad / end). Each case's name carries its
configuration as KEY-VALUE fields joined by '_', which the Java test parses:
    mha:  e h kd vd bias kv za bf ub nw avg kpm am cz x
    enc:  d h ff act nf eps bf ub kpm am cz nl fn
kpm: n (none), b (bool), f (float); am: n, b2, f2, b3, f3 (bool or float, 2-D or 3-D); cz 1: Descent is called
with is_causal and no mask, PyTorch with the equivalent generate_square_subsequent_mask; x: 0 self-attention (one
input), 1 key is value (two inputs), 2 three inputs; nl 0: one TransformerEncoderLayer, otherwise a
TransformerEncoder of nl layers, with a final LayerNorm when fn is 1.

The inputs are the layer's data inputs, its parameters in named_parameters() order, then its masks (bool as kind
"index", float as "const"). The output of an attention case is its output flattened, followed by its weights
flattened when nw is 1, so that one loss sum(y * w) checks both. Inputs, parameters and w are rounded to 3
decimals, so they are written exactly in a few characters; outputs and gradients are written to 13 significant
digits (far below the tests' 1e-10).

NOTE: PyTorch 1.13 documents a float key_padding_mask as added to the scores, but with an attn_mask it merges the
two with logical_or (a bool attn_mask: any non-zero float counts as masked) or masked_fill (a float attn_mask: an
error). For a float key_padding_mask with an attn_mask this script therefore hands PyTorch the documented sum as one
3-D float attn_mask (what PyTorch 2 computes), while Descent receives the two masks as they were drawn.
"""
import math
import os
import random
import sys

import torch
import torch.nn as nn

torch.manual_seed(20261203)
random.seed(20261203)
torch.set_default_dtype(torch.float64)
root = sys.argv[1]
OUT = open(os.path.join(root, "goldens", "attention_random.txt"), "w")
MHA_CASES, ENC_CASES = 110, 50


def q3(t):
    return torch.round(t * 1000) / 1000


def rand(*shape, lo=-1.0, hi=1.0):
    return q3(lo + (hi - lo) * torch.rand(tuple(shape)))


def exact(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return repr(float(v))


def short(v):
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return "%.13g" % v


def fmt(t, num):
    t = t.detach().to(torch.float64)
    dims = list(t.shape)
    return " ".join([str(len(dims))] + [str(d) for d in dims] + [num(v) for v in t.reshape(-1).tolist()])


def write(name, inputs, y, masks):
    for t in inputs:
        t.grad = None
    w = rand(*y.shape)
    (y * w).sum().backward()
    OUT.write("case %s\n" % name)
    for t in inputs:
        OUT.write("input param %s\n" % fmt(t, exact))
    for m in masks:
        OUT.write("input %s %s\n" % ("index" if m.dtype == torch.bool else "const", fmt(m.to(torch.float64), exact)))
    OUT.write("weight %s\n" % fmt(w, exact))
    OUT.write("output %s\n" % fmt(y, short))
    for i, t in enumerate(inputs):
        if t.grad is not None:
            OUT.write("grad %d %s\n" % (i, fmt(t.grad, short)))
    OUT.write("end\n")


def randomize(module):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(rand(*p.shape, lo=-0.6, hi=0.6))
    return module


def kpm_mask(kind, n, s, batched):
    """(N, S) or (S): key 0 is never masked, so no query row is masked through."""
    shape = (n, s) if batched else (s,)
    if kind == "n":
        return None
    drop = torch.rand(shape) < 0.3
    drop[..., 0] = False
    if kind == "b":
        return drop
    m = rand(*shape)
    m[drop] = float("-inf")
    return m


def attn_mask(kind, n, h, l, s):
    """(L, S) or (N*H, L, S), key 0 never masked."""
    if kind == "n":
        return None
    shape = (l, s) if kind.endswith("2") else (n * h, l, s)
    drop = torch.rand(shape) < 0.3
    drop[..., 0] = False
    if kind.startswith("b"):
        return drop
    m = rand(*shape, lo=-2.0, hi=2.0)
    m[drop] = float("-inf")
    return m


def causal(l, boolean):
    m = nn.Transformer.generate_square_subsequent_mask(l)
    return m == float("-inf") if boolean else m


def documented_merge(am, kpm, n, h, l, s, batched):
    """attn_mask + key_padding_mask as one float (N*H, L, S) mask: PyTorch's documented semantics (see NOTE)."""
    a = torch.zeros(l, s) if am is None else am
    if a.dtype == torch.bool:
        a = torch.zeros(a.shape).masked_fill(a, float("-inf"))
    a = a.expand(n * h, l, s) if a.dim() == 2 else a
    k = kpm.reshape(n if batched else 1, 1, 1, s).expand(-1, h, 1, -1).reshape(n * h, 1, s)
    return (a + k).clone()


def torch_masks(am, kpm, n, h, l, s, batched):
    if kpm is not None and kpm.dtype != torch.bool and am is not None:
        return documented_merge(am, kpm, n, h, l, s, batched), None
    return am, kpm


def pick(*options):
    return random.choice(options)


def mha_case(index):
    h = pick(1, 2, 3, 4)
    e = h * pick(1, 2) if h > 2 else h * pick(1, 2, 3)
    separate = random.random() < 0.3
    kd, vd = (pick(2, 3, 5), pick(2, 4, 5)) if separate else (e, e)
    bias, kv, za = pick(0, 1, 1), pick(0, 0, 1), pick(0, 0, 1)
    bf, ub = pick(0, 1), int(random.random() < 0.2)
    nw, avg = pick(0, 1, 1), pick(0, 1)
    kpm_kind, am_kind = pick("n", "b", "f"), pick("n", "b2", "f2", "b3", "f3", "c")
    n = 1 if ub else pick(1, 2, 3)
    l = pick(1, 2, 3, 4, 5)
    x = pick(0, 1, 2) if kd == vd else 2
    if kd != e:
        x = 2 if x == 0 else x
    s = l if x == 0 or am_kind == "c" else pick(1, 2, 3, 4, 5)
    cz = 0
    if am_kind == "c":
        cz = pick(0, 1)
        am_kind = "f2" if cz else pick("b2", "f2")
    batched = not ub
    kpm = kpm_mask(kpm_kind, n, s, batched)
    if cz:
        am = None
        causal_mask = causal(l, False)
    else:
        am = causal(l, am_kind == "b2") if (am_kind in ("b2", "f2") and s == l and random.random() < 0.3) \
            else attn_mask(am_kind, n, h, l, s)
        causal_mask = None
    mha = randomize(nn.MultiheadAttention(e, h, bias=bool(bias), add_bias_kv=bool(kv), add_zero_attn=bool(za),
                                          kdim=kd, vdim=vd, batch_first=bool(bf)))
    mha.eval()

    def shape(length, feat):
        if ub:
            return (length, feat)
        return (n, length, feat) if bf else (length, n, feat)
    xs = [rand(*shape(l, e))]
    if x >= 1:
        xs.append(rand(*shape(s, kd)))
    if x == 2:
        xs.append(rand(*shape(s, vd)))
    xs = [t.requires_grad_(True) for t in xs]
    q = xs[0]
    k = q if x == 0 else xs[1]
    v = k if x <= 1 else xs[2]
    t_am, t_kpm = torch_masks(causal_mask if cz else am, kpm, n, h, l, s, batched)
    out, weights = mha(q, k, v, key_padding_mask=t_kpm, attn_mask=t_am, need_weights=bool(nw),
                       average_attn_weights=bool(avg))
    y = out.reshape(-1) if not nw else torch.cat([out.reshape(-1), weights.reshape(-1)])
    name = "r%03d_mha_e-%d_h-%d_kd-%d_vd-%d_bias-%d_kv-%d_za-%d_bf-%d_ub-%d_nw-%d_avg-%d_kpm-%s_am-%s_cz-%d_x-%d" % (
        index, e, h, kd, vd, bias, kv, za, bf, ub, nw, avg, kpm_kind, "n" if am is None else am_kind, cz, x)
    masks = [m for m in (kpm, am) if m is not None]
    write(name, xs + list(mha.parameters()), y, masks)


def enc_case(index):
    h = pick(1, 2, 4)
    d = h * pick(1, 2, 3) if h < 4 else 4 * pick(1, 2)
    ff = pick(3, 6, 10)
    act, nf = pick("relu", "gelu"), pick(0, 1)
    eps = pick(1e-5, 1e-6, 1e-3)
    bf, ub = pick(0, 1), int(random.random() < 0.2)
    kpm_kind, am_kind = pick("n", "b", "f"), pick("n", "b2", "f2", "b3", "f3", "c")
    nl, fn = pick(0, 0, 1, 2), pick(0, 1)
    n = 1 if ub else pick(1, 2, 3)
    l = pick(1, 2, 3, 4, 5)
    batched = not ub
    cz = 0
    if am_kind == "c":
        cz = pick(0, 1)
        am_kind = "f2" if cz else pick("b2", "f2")
        am = None if cz else causal(l, am_kind == "b2")
        causal_mask = causal(l, False) if cz else None
    else:
        am, causal_mask = attn_mask(am_kind, n, h, l, l), None
    kpm = kpm_mask(kpm_kind, n, l, batched)
    layer = nn.TransformerEncoderLayer(d, h, ff, dropout=0.0, activation=act, layer_norm_eps=eps,
                                       batch_first=bool(bf), norm_first=bool(nf))
    if nl == 0:
        module = layer
        fn = 0
    else:
        module = nn.TransformerEncoder(layer, nl, norm=nn.LayerNorm(d, eps=eps) if fn else None)
    randomize(module)
    module.eval()
    src = rand(*((l, d) if ub else ((n, l, d) if bf else (l, n, d)))).requires_grad_(True)
    t_am, t_kpm = torch_masks(causal_mask if cz else am, kpm, n, h, l, l, batched)
    y = module(src, t_am, t_kpm)
    name = "r%03d_enc_d-%d_h-%d_ff-%d_act-%s_nf-%d_eps-%g_bf-%d_ub-%d_kpm-%s_am-%s_cz-%d_nl-%d_fn-%d" % (
        index, d, h, ff, act, nf, eps, bf, ub, kpm_kind, "n" if am is None else am_kind, cz, nl, fn)
    masks = [m for m in (kpm, am) if m is not None]
    write(name, [src] + list(module.parameters()), y, masks)


for i in range(MHA_CASES):
    mha_case(i)
for i in range(ENC_CASES):
    enc_case(MHA_CASES + i)
OUT.close()
