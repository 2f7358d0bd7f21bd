#!/usr/bin/env python3
"""Generates PyTorch reference values for Descent's convolution, pooling and normalisation layers
(dev.descent.nn.layers.LayerGoldenTest).

Run offline (the tests never call Python):
    /usr/bin/python3 nn/src/test/python/generate_layer_goldens.py nn/src/test/resources

Needs Debian's python3-torch. Writes goldens/layers.txt: in float64, per case the layer's input x, its parameters in PyTorch's layout and order
  (weight, bias), any constant inputs, a weight tensor w, the output y and the gradients of sum(y * w) with respect
  to x and every parameter, in the format of autodiff/src/test/python/generate_goldens.py:
      case NAME
      input KIND RANK DIMS... VALUES...      (KIND: param | const)
      weight RANK DIMS... VALUES...
      output RANK DIMS... VALUES...
      grad I RANK DIMS... VALUES...          (I: the input's position)
      end
  BatchNorm's running statistics after three training steps and its eval output are cases of their own, whose
  inputs are the eval batch and the affine parameters, then the three training batches (constants).
(generate_interop.py writes the CNN that is loaded from safetensors.)
"""
import os
import sys

import torch
import torch.nn as nn

from golden_format import fmt

torch.manual_seed(20261203)
torch.set_default_dtype(torch.float64)
root = sys.argv[1]
OUT = open(os.path.join(root, "goldens", "layers.txt"), "w")


def rand(*shape, lo=-2.0, hi=2.0):
    return lo + (hi - lo) * torch.rand(tuple(shape))


def randomize(layer):
    """Random parameters (so that affine norm layers are not ones and zeros)."""
    with torch.no_grad():
        for p in layer.parameters():
            p.copy_(rand(*p.shape, lo=-1.0, hi=1.0))
    return layer


def write(name, inputs, kinds, y):
    w = rand(*y.shape)
    (y * w).sum().backward()
    OUT.write("case %s\n" % name)
    for k, t in zip(kinds, inputs):
        OUT.write("input %s %s\n" % (k, fmt(t)))
    OUT.write("weight %s\n" % fmt(w))
    OUT.write("output %s\n" % fmt(y))
    for i, (k, t) in enumerate(zip(kinds, inputs)):
        if k == "param":
            OUT.write("grad %d %s\n" % (i, fmt(t.grad)))
    OUT.write("end\n")


def layer_case(name, layer, x):
    """Forward and gradients of x, weight and bias (in that order) in the layer's current mode."""
    x = x.clone().requires_grad_(True)
    params = [p for n, p in layer.named_parameters()]
    y = layer(x)
    write(name, [x] + params, ["param"] * (1 + len(params)), y)


# convolutions: stride, padding (ints, 'same', 'valid'), dilation, groups, bias
layer_case("conv2d_basic", randomize(nn.Conv2d(3, 4, 3, padding=1)), rand(2, 3, 5, 5))
layer_case("conv2d_strided_dilated_groups",
           randomize(nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)), rand(2, 4, 7, 6))
layer_case("conv2d_same_even_kernel_no_bias",
           randomize(nn.Conv2d(2, 3, (2, 3), padding="same", dilation=(2, 1), bias=False)), rand(1, 2, 5, 4))
layer_case("conv2d_valid", randomize(nn.Conv2d(3, 2, 3, padding="valid")), rand(2, 3, 4, 5))
layer_case("conv2d_size1_spatial", randomize(nn.Conv2d(2, 2, (1, 3), padding=(0, 1))), rand(3, 2, 1, 4))
layer_case("conv1d_strided_dilated_groups",
           randomize(nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2)), rand(2, 4, 9))
layer_case("conv1d_same", randomize(nn.Conv1d(2, 3, 4, padding="same")), rand(2, 2, 7))
layer_case("conv_transpose2d",
           randomize(nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), output_padding=(1, 0), groups=2,
                                        dilation=(1, 2))), rand(2, 4, 3, 4))
layer_case("conv_transpose2d_basic", randomize(nn.ConvTranspose2d(2, 3, 2, stride=2)), rand(2, 2, 3, 3))

# pooling
layer_case("maxpool2d_ceil_padded", nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True), rand(2, 3, 7, 6))
layer_case("maxpool2d_dilated", nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1)), rand(1, 2, 6, 7))
# ties: small integers, overlapping windows; the gradient goes to the first maximal index
layer_case("maxpool2d_ties", nn.MaxPool2d(3, stride=1), torch.randint(0, 3, (2, 2, 5, 6)).to(torch.float64))
layer_case("maxpool2d_ties_disjoint", nn.MaxPool2d(2), torch.randint(0, 2, (1, 2, 4, 6)).to(torch.float64))
layer_case("maxpool1d", nn.MaxPool1d(3, stride=2, padding=1, dilation=2, ceil_mode=True), rand(2, 3, 11))
layer_case("avgpool2d_ceil_include_pad", nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=True),
           rand(2, 3, 7, 6))
layer_case("avgpool2d_exclude_pad", nn.AvgPool2d((2, 3), stride=(2, 1), padding=(1, 1), count_include_pad=False),
           rand(1, 2, 5, 5))
layer_case("adaptive_avgpool2d", nn.AdaptiveAvgPool2d((3, 4)), rand(2, 3, 7, 9))
layer_case("adaptive_avgpool2d_global", nn.AdaptiveAvgPool2d(1), rand(2, 3, 5, 5))

# normalisation in training mode (batch statistics)
layer_case("batchnorm2d_train", randomize(nn.BatchNorm2d(3)), rand(4, 3, 5, 5))
layer_case("batchnorm1d_train_2d", randomize(nn.BatchNorm1d(5)), rand(6, 5))
layer_case("batchnorm1d_train_3d", randomize(nn.BatchNorm1d(3)), rand(4, 3, 7))
layer_case("layernorm", randomize(nn.LayerNorm([4, 5])), rand(3, 2, 4, 5))
layer_case("layernorm_no_affine", nn.LayerNorm(6, elementwise_affine=False), rand(2, 3, 6))
layer_case("groupnorm", randomize(nn.GroupNorm(2, 6)), rand(2, 6, 3, 4))
layer_case("groupnorm_1d", randomize(nn.GroupNorm(3, 3)), rand(3, 3, 5))


def batchnorm_steps(name, layer, shape):
    """Three training batches, then the running statistics and an eval forward (with its gradients)."""
    randomize(layer)
    batches = [rand(*shape) * (i + 1) + i for i in range(3)]
    layer.train()
    with torch.no_grad():
        for b in batches:
            layer(b)
    x_eval = rand(*shape)
    params = [p for n, p in layer.named_parameters()]
    consts = batches
    kinds = ["param"] + ["param"] * len(params) + ["const"] * 3
    for stat in ("running_mean", "running_var"):
        OUT.write("case %s_%s\n" % (name, stat))
        for k, t in zip(kinds, [x_eval] + params + consts):
            OUT.write("input %s %s\n" % (k, fmt(t)))
        v = getattr(layer, stat)
        OUT.write("weight %s\n" % fmt(torch.ones_like(v)))
        OUT.write("output %s\n" % fmt(v))
        OUT.write("end\n")
    layer.eval()
    x = x_eval.clone().requires_grad_(True)
    y = layer(x)
    write(name + "_eval", [x] + params + [c.clone() for c in consts], kinds, y)


batchnorm_steps("batchnorm2d_3steps", nn.BatchNorm2d(3), (4, 3, 3, 3))
batchnorm_steps("batchnorm2d_3steps_cumulative", nn.BatchNorm2d(2, momentum=None), (3, 2, 2, 2))
batchnorm_steps("batchnorm1d_3steps", nn.BatchNorm1d(4, momentum=0.3), (5, 4))

# padding_mode: the input padded with its own values, then convolved without padding
layer_case("conv2d_reflect", randomize(nn.Conv2d(2, 3, 3, padding=(1, 2), padding_mode="reflect")), rand(2, 2, 4, 5))
layer_case("conv2d_replicate_strided_groups",
           randomize(nn.Conv2d(2, 4, (3, 2), stride=2, padding=2, groups=2, padding_mode="replicate")),
           rand(1, 2, 5, 4))
layer_case("conv2d_circular_same_dilated",
           randomize(nn.Conv2d(2, 2, (2, 3), padding="same", dilation=(1, 2), padding_mode="circular")),
           rand(1, 2, 4, 6))
layer_case("conv1d_reflect_same", randomize(nn.Conv1d(3, 2, 4, padding="same", padding_mode="reflect")), rand(2, 3, 6))
layer_case("conv1d_circular_dilated_no_bias",
           randomize(nn.Conv1d(2, 2, 3, padding=3, dilation=2, bias=False, padding_mode="circular")), rand(1, 2, 5))

# transposed convolution with an output padding of at least the stride (allowed below the dilation)
layer_case("conv_transpose2d_output_padding_below_dilation",
           randomize(nn.ConvTranspose2d(2, 3, 3, stride=(1, 2), padding=(1, 0), output_padding=(1, 1), dilation=(2, 1))),
           rand(2, 2, 3, 4))
layer_case("conv_transpose2d_output_padding_twice_the_stride",
           randomize(nn.ConvTranspose2d(2, 2, (2, 3), stride=1, padding=(0, 1), output_padding=2, dilation=3,
                                        bias=False)), rand(1, 2, 3, 3))

# average pooling with divisor_override: each window's sum over the given divisor
layer_case("avgpool2d_divisor_override_ceil",
           nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=5),
           rand(2, 2, 6, 7))
layer_case("avgpool2d_divisor_override_rect", nn.AvgPool2d((2, 3), stride=(1, 2), divisor_override=-4),
           rand(1, 3, 4, 7))
OUT.close()
