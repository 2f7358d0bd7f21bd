#!/usr/bin/env python3
"""Generates PyTorch reference values for Descent's Embedding (dev.descent.nn.layers.EmbeddingGoldenTest).

Run offline (the tests never call Python):
    /usr/bin/python3 nn/src/test/python/generate_embedding_goldens.py nn/src/test/resources

Needs Debian's python3-torch. Writes goldens/embedding.txt in the format of generate_layer_goldens.py, in float64:
per case the indices (kind index), the weight (kind param, PyTorch's layout (num_embeddings, embedding_dim)), a
weight tensor w, the output y = embedding(indices) and the gradient of sum(y * w) with respect to the weight
(grad 1). The indices repeat some rows and hit the padding row, so the gradient shows the scatter-add (repeated
indices accumulate) and the padding row's zero gradient. The case name fixes padding_idx (EmbeddingGoldenTest).
"""
import os
import sys

import torch
import torch.nn as nn

from golden_format import fmt

torch.manual_seed(20261203)
torch.set_default_dtype(torch.float64)
root = sys.argv[1]
OUT = open(os.path.join(root, "goldens", "embedding.txt"), "w")


def case(name, num, dim, indices, padding_idx):
    weight = torch.randn(num, dim)           # the padding row is not zero: it must stay out of the gradient anyway
    layer = nn.Embedding.from_pretrained(weight, freeze=False, padding_idx=padding_idx)
    idx = torch.tensor(indices, dtype=torch.long)
    y = layer(idx)
    w = -2.0 + 4.0 * torch.rand(tuple(y.shape))
    (y * w).sum().backward()
    OUT.write("case %s\n" % name)
    OUT.write("input index %s\n" % fmt(idx))
    OUT.write("input param %s\n" % fmt(layer.weight))
    OUT.write("weight %s\n" % fmt(w))
    OUT.write("output %s\n" % fmt(y))
    OUT.write("grad 1 %s\n" % fmt(layer.weight.grad))
    OUT.write("end\n")


case("embedding_repeated", 7, 4, [[1, 3, 3, 0, 6], [3, 1, 5, 5, 5]], None)
case("embedding_padding_2", 6, 3, [[2, 0, 2, 4], [5, 5, 2, 1], [0, 4, 4, 3]], 2)
case("embedding_padding_minus_1", 5, 4, [[[4, 1, 4], [0, 0, 2]], [[3, 4, 1], [1, 1, 1]]], -1)
case("embedding_padding_0_vector", 4, 6, [0, 3, 0, 1, 3, 3], 0)
case("embedding_scalar_index", 3, 5, 2, None)
OUT.close()
