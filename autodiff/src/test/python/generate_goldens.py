#!/usr/bin/env python3
"""Generates PyTorch reference values for Descent's autodiff golden tests.

Run offline (the tests never call Python):
    /usr/bin/python3 autodiff/src/test/python/generate_goldens.py > autodiff/src/test/resources/goldens/ops.txt

Needs Debian's python3-torch (and libopenblas0-pthread). Everything is float64. For each case the file holds the
inputs, a weight tensor w, the output y = f(inputs) and the gradients of sum(y * w) with respect to every input
that requires a gradient. Format, one token list per line:
    case NAME
    input KIND RANK DIMS... VALUES...      (KIND: param | const | index)
    weight RANK DIMS... VALUES...
    output RANK DIMS... VALUES...
    grad I RANK DIMS... VALUES...          (I: the input's position)
    end
"""
import sys
import torch
import torch.nn.functional as F

torch.manual_seed(20261125)
torch.set_default_dtype(torch.float64)
OUT = sys.stdout


def fmt(t):
    t = t.detach().to(torch.float64) if t.dtype != torch.int64 else t.detach()
    dims = list(t.shape)
    vals = [repr(float(v)) if t.dtype != torch.int64 else str(int(v)) for v in t.reshape(-1).tolist()]
    return " ".join([str(len(dims))] + [str(d) for d in dims] + vals)


def rand(*shape, lo=-2.0, hi=2.0):
    return lo + (hi - lo) * torch.rand(tuple(shape))


def away(*shape, gap=0.2):
    """Values in [-2, -gap] U [gap, 2]."""
    v = rand(*shape, lo=gap, hi=2.0)
    sign = torch.where(torch.rand(tuple(shape)) < 0.5, -1.0, 1.0)
    return v * sign


def case(name, fn, *inputs):
    """inputs: tensors; float tensors are parameters unless wrapped as ('const', t); int64 tensors are indices."""
    prepared = []
    kinds = []
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
    y = fn(*prepared)
    w = rand(*y.shape)
    (y * w).sum().backward()
    OUT.write("case %s\n" % name)
    for k, x in zip(kinds, prepared):
        OUT.write("input %s %s\n" % (k, fmt(x)))
    OUT.write("weight %s\n" % fmt(w))
    OUT.write("output %s\n" % fmt(y))
    for i, (k, x) in enumerate(zip(kinds, prepared)):
        if k == "param":
            OUT.write("grad %d %s\n" % (i, fmt(x.grad)))
    OUT.write("end\n")


# elementwise, with broadcasting
case("add_broadcast", lambda a, b: a + b, rand(2, 3), rand(3))
case("add_outer", lambda a, b: a + b, rand(2, 1), rand(1, 3))
case("sub_broadcast", lambda a, b: a - b, rand(3), rand(2, 3))
case("mul_broadcast", lambda a, b: a * b, rand(2, 3), rand(2, 1))
case("div_broadcast", lambda a, b: a / b, rand(2, 3), away(3))
case("pow_tensor", lambda a, b: a ** b, rand(2, 2, lo=0.5, hi=2), rand(2))
case("pow_tensor_zero_base", lambda a, b: a ** b, torch.tensor([0.0, 0.0, 1.5]), torch.tensor([2.0, 0.0, 1.5]))
case("pow_scalar", lambda a: a ** 2.5, rand(3, lo=0.5, hi=2))
case("pow_scalar_int", lambda a: a ** 3, rand(2, 2))
case("scalar_ops", lambda a: ((a + 0.5) * 3.0 - 1.5) / 2.0, rand(2, 2))
case("neg", lambda a: -a, rand(3))
case("exp", torch.exp, rand(2, 2))
case("log", torch.log, rand(2, 2, lo=0.5, hi=2))
case("log1p", torch.log1p, rand(3, lo=-0.5, hi=2))
case("sqrt", torch.sqrt, rand(3, lo=0.5, hi=2))
case("sqrt_at_zero", torch.sqrt, torch.tensor([0.0, 1.0]))
case("abs", torch.abs, torch.tensor([-1.5, 0.0, 2.0, -0.25]))
case("square", torch.square, rand(2, 2))
case("reciprocal", torch.reciprocal, away(3))
case("sin", torch.sin, rand(3))
case("cos", torch.cos, rand(3))
case("tanh", torch.tanh, rand(2, 3))
case("sigmoid", torch.sigmoid, torch.cat([rand(4), torch.tensor([30.0, -30.0])]))
case("erf", torch.erf, torch.cat([rand(4), torch.tensor([3.5, -4.0])]))
case("relu", torch.relu, torch.tensor([-1.0, 0.0, 0.5, 2.0]))
case("leaky_relu", lambda a: F.leaky_relu(a, 0.1), torch.tensor([-1.0, 0.0, 0.5, 2.0]))
case("elu", lambda a: F.elu(a, 0.7), torch.tensor([-1.0, 0.0, 0.5, -3.0]))
case("softplus", F.softplus, torch.tensor([-30.0, -1.0, 0.0, 2.0, 19.5, 25.0]))
case("gelu", lambda a: F.gelu(a), rand(2, 3))
case("gelu_tanh", lambda a: F.gelu(a, approximate="tanh"), rand(2, 3))
case("clamp", lambda a: torch.clamp(a, -1.0, 1.0), torch.tensor([-2.0, -1.0, 0.3, 1.0, 1.7]))
case("maximum", torch.maximum, torch.tensor([1.0, 2.0, -1.0]), torch.tensor([2.0, 2.0, -3.0]))
case("minimum_broadcast", torch.minimum, rand(2, 1), rand(1, 3))
case("where", lambda a, b: torch.where(torch.tensor([[True, False, True], [False, False, True]]), a, b),
     rand(2, 3), rand(3))
# matrix products
case("matmul_2d", torch.matmul, rand(2, 3), rand(3, 4))
case("matmul_vec_mat", torch.matmul, rand(3), rand(3, 2))
case("matmul_mat_vec", torch.matmul, rand(2, 3), rand(3))
case("matmul_dot", torch.matmul, rand(4), rand(4))
case("matmul_batched_broadcast", torch.matmul, rand(2, 2, 3), rand(3, 2))
case("matmul_batched_both", torch.matmul, rand(2, 1, 2, 3), rand(3, 3, 2))
case("matmul_transposed_a", lambda a, b: a.T @ b, rand(3, 2), rand(3, 4))
case("matmul_transposed_b", lambda a, b: a @ b.T, rand(2, 3), rand(4, 3))
# reductions
case("sum_all", lambda a: a.sum(), rand(2, 3))
case("sum_axis", lambda a: a.sum(1), rand(2, 3, 2))
case("sum_axes_keepdim", lambda a: a.sum((0, 2), keepdim=True), rand(2, 3, 2))
case("mean_axis", lambda a: a.mean(0), rand(3, 2))
case("mean_all", lambda a: a.mean(), rand(3, 2))
case("amax_ties", lambda a: torch.amax(a, 1), torch.tensor([[3.0, 1.0, 3.0], [0.0, 5.0, 5.0]]))
case("amax_all_ties", lambda a: torch.amax(a), torch.tensor([[3.0, 1.0, 3.0], [0.0, 3.0, 2.0]]))
case("amin_axes", lambda a: torch.amin(a, (0, 2), keepdim=True), rand(2, 3, 2))
case("var_axis", lambda a: torch.var(a, 1), rand(2, 4))
case("var_all", lambda a: torch.var(a), rand(2, 4))
case("var_population_keepdim", lambda a: torch.var(a, 0, unbiased=False, keepdim=True), rand(3, 2))
case("logsumexp", lambda a: torch.logsumexp(a, 1), rand(2, 3))
case("logsumexp_large", lambda a: torch.logsumexp(a, 1), torch.tensor([[1000.0, -1000.0, 999.0], [0.0, 1.0, -1.0]]))
case("softmax", lambda a: torch.softmax(a, 1), rand(2, 3))
case("log_softmax", lambda a: torch.log_softmax(a, 0), rand(3, 2))
case("log_softmax_large", lambda a: torch.log_softmax(a, 1), torch.tensor([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, 0.0]]))
# movement
case("reshape", lambda a: a.reshape(3, 2) * torch.arange(6.0).reshape(3, 2), rand(2, 3))
case("transpose", lambda a: a.transpose(0, 2), rand(2, 3, 2))
case("permute", lambda a: a.permute(2, 0, 1), rand(2, 3, 2))
case("squeeze_unsqueeze", lambda a: a.squeeze(1).unsqueeze(0), rand(2, 1, 3))
case("expand", lambda a: a.expand(2, 3, 4), rand(3, 1))
case("slice_step", lambda a: a[1:4:2], rand(4, 3))
case("slice_negative", lambda a: a[:, -2:], rand(4, 3))
case("cat", lambda a, b: torch.cat([a, b, a], 0), rand(2, 3), rand(1, 3))
case("stack", lambda a, b: torch.stack([a, b], 1), rand(2, 3), rand(2, 3))
case("index_select", lambda a, i: torch.index_select(a, 0, i), rand(3, 2), torch.tensor([2, 0, 2]))
case("gather", lambda a, i: torch.gather(a, 1, i), rand(2, 3), torch.tensor([[2, 2], [0, 1]]))
case("index_add", lambda a, i, s: a.index_add(0, i, s), rand(3, 2), torch.tensor([2, 2]), rand(2, 2))
case("scatter_add", lambda a, i, s: a.scatter_add(1, i, s), rand(2, 3), torch.tensor([[0, 0], [2, 1]]), rand(2, 2))


# two small MLPs end to end
def mlp_tanh_mse(x, w1, b1, w2, b2, t):
    h = torch.tanh(x @ w1 + b1)
    y = h @ w2 + b2
    return ((y - t) ** 2).mean()


case("mlp_tanh_mse", mlp_tanh_mse, rand(4, 3), rand(3, 5), rand(5), rand(5, 2), rand(2), ("const", rand(4, 2)))


def mlp_relu_cross_entropy(x, w1, b1, w2, b2, labels):
    h = torch.relu(x @ w1 + b1)
    logits = h @ w2 + b2
    logp = torch.log_softmax(logits, 1)
    return -torch.gather(logp, 1, labels.unsqueeze(1)).mean()


case("mlp_relu_cross_entropy", mlp_relu_cross_entropy, away(5, 4), rand(4, 6), rand(6), rand(6, 3), rand(3),
     torch.tensor([0, 2, 1, 1, 0]))

# added after the cases above, so that their random draws stay as they were
case("expm1", torch.expm1, torch.tensor([-3.0, -1e-9, 0.0, 1e-12, 0.5, 2.5]))
