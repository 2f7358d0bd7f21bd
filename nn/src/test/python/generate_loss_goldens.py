#!/usr/bin/env python3
"""Generates PyTorch reference values for Descent's loss golden tests (dev.descent.nn.losses.LossesGoldenTest).

Run offline (the tests never call Python):
    /usr/bin/python3 nn/src/test/python/generate_loss_goldens.py > nn/src/test/resources/losses/losses.txt

Needs Debian's python3-torch. Everything is float64. Every case is written once per reduction, named
BASE_mean, BASE_sum and BASE_none, in the format of autodiff/src/test/python/generate_goldens.py: the inputs, a
weight tensor w, the loss y and the gradients of sum(y * w) with respect to every input that requires a gradient.
    case NAME
    input KIND RANK DIMS... VALUES...      (KIND: param | const | index)
    weight RANK DIMS... VALUES...
    output RANK DIMS... VALUES...
    grad I RANK DIMS... VALUES...          (I: the input's position)
    end
"""
import math
import sys
import torch
import torch.nn.functional as F

torch.manual_seed(20261126)
torch.set_default_dtype(torch.float64)
OUT = sys.stdout
REDUCTIONS = ("mean", "sum", "none")


def fmt(t):
    t = t.detach().to(torch.float64) if t.dtype != torch.int64 else t.detach()
    dims = list(t.shape)
    vals = [repr(float(v)) if t.dtype != torch.int64 else str(int(v)) for v in t.reshape(-1).tolist()]
    return " ".join([str(len(dims))] + [str(d) for d in dims] + vals)


def rand(*shape, lo=-2.0, hi=2.0):
    return lo + (hi - lo) * torch.rand(tuple(shape))


def dyadic(*shape):
    """Multiples of 1/8 in [-2, 2]: sums and differences of them are exact, so |d| == delta holds exactly."""
    return torch.randint(-16, 17, tuple(shape)).to(torch.float64) / 8


def soft(*shape):
    """Rows of probabilities along axis 1 (axis 0 for rank 1)."""
    return torch.softmax(rand(*shape), 1 if len(shape) > 1 else 0)


def const(t):
    return ("const", t)


def case(name, fn, *inputs):
    """fn(reduction, *inputs); float tensors are parameters unless wrapped by const(); int64 tensors are labels."""
    for reduction in REDUCTIONS:
        prepared, kinds = [], []
        for x in inputs:
            if isinstance(x, tuple) and x[0] == "const":
                prepared.append(x[1].clone())
                kinds.append("const")
            elif x.dtype == torch.int64:
                prepared.append(x.clone())
                kinds.append("index")
            else:
                prepared.append(x.clone().requires_grad_(True))
                kinds.append("param")
        y = fn(reduction, *prepared)
        w = rand(*y.shape)
        (y * w).sum().backward()
        OUT.write("case %s_%s\n" % (name, reduction))
        for k, x in zip(kinds, prepared):
            OUT.write("input %s %s\n" % (k, fmt(x)))
        OUT.write("weight %s\n" % fmt(w))
        OUT.write("output %s\n" % fmt(y))
        for i, (k, x) in enumerate(zip(kinds, prepared)):
            if k == "param":
                OUT.write("grad %d %s\n" % (i, fmt(x.grad)))
        OUT.write("end\n")


def reduce(loss, reduction):
    return {"mean": loss.mean, "sum": loss.sum, "none": lambda: loss}[reduction]()


# regression: prediction and target both differentiated
case("mse", lambda r, p, t: F.mse_loss(p, t, reduction=r), rand(2, 3, 2), rand(2, 3, 2))
p = rand(3, 4)
t = rand(3, 4)
t[0, 0], t[1, 2] = p[0, 0], p[1, 2]  # d = 0 exactly: the gradient of |d| there is 0
case("mae", lambda r, p, t: F.l1_loss(p, t, reduction=r), p, t)

# Huber and SmoothL1: d = p - t exactly at +-delta / +-beta, just inside, just outside, 0, and random
t = dyadic(12)
d = torch.tensor([1.0, -1.0, 0.875, -1.125, 0.0, 0.5, -0.5, 2.5, -2.5, 0.25, 3.0, -0.125])
case("huber_delta1", lambda r, p, t: F.huber_loss(p, t, reduction=r, delta=1.0), t + d, t)
case("huber_delta_half", lambda r, p, t: F.huber_loss(p, t, reduction=r, delta=0.5), t + d, t)
case("huber_delta2_5", lambda r, p, t: F.huber_loss(p, t, reduction=r, delta=2.5), (t + d).reshape(3, 4),
     t.reshape(3, 4))
case("smooth_l1_beta1", lambda r, p, t: F.smooth_l1_loss(p, t, reduction=r, beta=1.0), t + d, t)
case("smooth_l1_beta_half", lambda r, p, t: F.smooth_l1_loss(p, t, reduction=r, beta=0.5), t + d, t)
case("smooth_l1_beta2_5", lambda r, p, t: F.smooth_l1_loss(p, t, reduction=r, beta=2.5), (t + d).reshape(4, 3),
     t.reshape(4, 3))
# beta = 0 is L1; away from d = 0, where PyTorch's kernel and L1 disagree on the gradient
case("smooth_l1_beta0", lambda r, p, t: F.smooth_l1_loss(p, t, reduction=r, beta=0.0), rand(2, 3), rand(2, 3) + 5)

# binary cross-entropy on probabilities
case("bce", lambda r, p, t: F.binary_cross_entropy(p, t, reduction=r), rand(3, 4, lo=0.02, hi=0.98),
     rand(3, 4, lo=0.0, hi=1.0))
case("bce_edges", lambda r, p, t: F.binary_cross_entropy(p, t, reduction=r),
     torch.tensor([0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.5, 1e-30, 1.0 - 2.0 ** -40, 1e-13]),
     const(torch.tensor([0.0, 1.0, 1.0, 0.0, 0.5, 0.5, 1.0, 1.0, 0.0, 1.0])))

# binary cross-entropy on logits
case("bce_logits", lambda r, z, t: F.binary_cross_entropy_with_logits(z, t, reduction=r), rand(3, 4, lo=-4, hi=4),
     rand(3, 4, lo=0.0, hi=1.0))
case("bce_logits_edges", lambda r, z, t: F.binary_cross_entropy_with_logits(z, t, reduction=r),
     torch.tensor([1000.0, -1000.0, 1000.0, -1000.0, 0.0, 0.0, 30.0, -30.0, 40.0, -745.0]),
     const(torch.tensor([1.0, 1.0, 0.0, 0.0, 0.3, 1.0, 1.0, 0.0, 0.5, 0.25])))
z = rand(4, 3, lo=-4, hi=4)
z[0, 0], z[1, 1], z[2, 2], z[3, 0] = 0.0, 1000.0, -1000.0, -1000.0
case("bce_logits_pos_weight",
     lambda r, z, t, w: F.binary_cross_entropy_with_logits(z, t, reduction=r, pos_weight=w),
     z, const(rand(4, 3, lo=0.0, hi=1.0)), const(torch.tensor([2.0, 0.5, 3.0])))
case("bce_logits_pos_weight_target_grad",
     lambda r, z, t, w: F.binary_cross_entropy_with_logits(z, t, reduction=r, pos_weight=w),
     rand(2, 3, lo=-4, hi=4), rand(2, 3, lo=0.0, hi=1.0), const(torch.tensor([[1.5], [0.25]])))

# cross-entropy on logits
case("ce_labels", lambda r, z, k: F.cross_entropy(z, k, reduction=r), rand(5, 4), torch.tensor([0, 3, 1, 1, 2]))
case("ce_labels_large", lambda r, z, k: F.cross_entropy(z, k, reduction=r),
     torch.tensor([[1000.0, -1000.0, 0.0, 999.0], [-1000.0, -1000.0, 1000.0, 1000.0], [0.5, -1000.0, 1.0, 0.0]]),
     torch.tensor([3, 1, 0]))
case("ce_onehot", lambda r, z, t: F.cross_entropy(z, t, reduction=r), rand(4, 3),
     const(F.one_hot(torch.tensor([2, 0, 1, 2]), 3).to(torch.float64)))
case("ce_soft", lambda r, z, t: F.cross_entropy(z, t, reduction=r), rand(4, 3), soft(4, 3))
case("ce_soft_large", lambda r, z, t: F.cross_entropy(z, t, reduction=r),
     torch.tensor([[1000.0, -1000.0, 0.0], [-1000.0, 1000.0, 1000.0]]), const(soft(2, 3)))
case("ce_smoothing", lambda r, z, k: F.cross_entropy(z, k, reduction=r, label_smoothing=0.1), rand(5, 4),
     torch.tensor([0, 3, 1, 1, 2]))
case("ce_soft_smoothing", lambda r, z, t: F.cross_entropy(z, t, reduction=r, label_smoothing=0.2), rand(4, 3),
     soft(4, 3))
case("ce_ignore", lambda r, z, k: F.cross_entropy(z, k, reduction=r), rand(5, 3), torch.tensor([0, -100, 2, -100, 1]))
case("ce_ignore_smoothing",
     lambda r, z, k: F.cross_entropy(z, k, reduction=r, ignore_index=2, label_smoothing=0.15),
     rand(6, 4), torch.tensor([2, 0, 3, 2, 1, 1]))
case("ce_rank3", lambda r, z, k: F.cross_entropy(z, k, reduction=r), rand(2, 3, 4),
     torch.tensor([[0, 2, 1, 1], [2, 2, 0, 1]]))
case("ce_rank3_soft_smoothing", lambda r, z, t: F.cross_entropy(z, t, reduction=r, label_smoothing=0.1),
     rand(2, 3, 2), torch.softmax(rand(2, 3, 2), 1))
case("ce_unbatched", lambda r, z, k: F.cross_entropy(z, k, reduction=r), rand(4), torch.tensor(2))


# the lecture's categorical cross-entropy on probabilities: -sum y log p, log clamped at -100 through p
def categorical(r, p, t):
    return reduce(-(t * torch.log(p.clamp(min=math.exp(-100)))).sum(1), r)


def categorical_labels(r, p, k):
    return reduce(-torch.log(p.clamp(min=math.exp(-100))).gather(1, k.unsqueeze(1)).squeeze(1), r)


case("cce", categorical, soft(4, 3), soft(4, 3))
case("cce_edges", categorical,
     torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5], [1e-50, 0.5, 0.5]]),
     const(torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])))
case("cce_labels", categorical_labels, soft(4, 3), torch.tensor([2, 0, 0, 1]))

# NLL on log-probabilities
case("nll", lambda r, lp, k: F.nll_loss(lp, k, reduction=r), torch.log_softmax(rand(5, 3), 1),
     torch.tensor([0, 2, 1, 1, 0]))
case("nll_ignore", lambda r, lp, k: F.nll_loss(lp, k, reduction=r), torch.log_softmax(rand(5, 3), 1),
     torch.tensor([0, -100, 1, -100, 2]))
case("nll_ignore_custom", lambda r, lp, k: F.nll_loss(lp, k, reduction=r, ignore_index=1),
     torch.log_softmax(rand(5, 3), 1), torch.tensor([0, 1, 1, 2, 2]))

# class weights (the weight is a constant input after the target), with ignore_index and label smoothing
def positive(*shape):
    return 0.25 + 2 * torch.rand(tuple(shape))


case("ce_weight", lambda r, z, k, w: F.cross_entropy(z, k, weight=w, reduction=r), rand(5, 4),
     torch.tensor([0, 3, 1, 1, 2]), const(positive(4)))
case("ce_weight_ignore_smoothing",
     lambda r, z, k, w: F.cross_entropy(z, k, weight=w, reduction=r, ignore_index=2, label_smoothing=0.15),
     rand(6, 4), torch.tensor([2, 0, 3, 2, 1, 1]), const(positive(4)))
case("ce_weight_rank3_ignore", lambda r, z, k, w: F.cross_entropy(z, k, weight=w, reduction=r), rand(2, 3, 4),
     torch.tensor([[0, 2, -100, 1], [2, 2, 0, -100]]), const(positive(3)))
case("ce_weight_soft_smoothing",
     lambda r, z, t, w: F.cross_entropy(z, t, weight=w, reduction=r, label_smoothing=0.2), rand(4, 3), soft(4, 3),
     const(positive(3)))
case("ce_weight_unbatched", lambda r, z, k, w: F.cross_entropy(z, k, weight=w, reduction=r, label_smoothing=0.1),
     rand(4), torch.tensor(2), const(positive(4)))
case("nll_weight_ignore", lambda r, lp, k, w: F.nll_loss(lp, k, weight=w, reduction=r),
     torch.log_softmax(rand(5, 3), 1), torch.tensor([0, -100, 1, 2, 2]), const(positive(3)))
