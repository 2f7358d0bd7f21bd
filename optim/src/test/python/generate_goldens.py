#!/usr/bin/env python3
"""Generates the reference values of Descent's optim tests.

Run offline from the repository root (the tests never call Python):
    /usr/bin/python3 optim/src/test/python/generate_goldens.py optim/src/test/resources/goldens

Needs Debian's python3-torch (1.13) and NumPy. Writes four files, float64 throughout, one token list per line:

optimizers.txt -- ten-step trajectories of torch.optim on a fixed problem
    data NAME RANK DIMS... VALUES...          X, Y, w0, b0 of the problem (once, at the top)
    case NAME OPTIMIZER                       OPTIMIZER is Descent's class name
    option NAME VALUE                         Descent's hyper-parameter names (record components)
    clip none | clip norm MAX TYPE | clip value C     applied to the gradients before each step
    step K W... B...                          w and b after step K (K = 1..10), row-major
    end
  The loss is mean((X w + b - Y)^2) + 0.1 sum(w^4): w is (3, 2), b is (2,).

lecture.txt -- the same problem, the lecture's equations in NumPy (independent of torch), same layout; the
  gradient is written out by hand: dR = 2 R / R.size, dw = X^T dR + 0.4 w^3, db = sum over rows of dR.

schedules.txt -- learning rates of torch.optim.lr_scheduler for epochs 0..30
    schedule NAME V0 ... V30
    momentum NAME OPTIMIZER V0 ... V30        OneCycleLR's cycled momentum (cycle_momentum=True, its default):
                                              SGD's momentum, or Adam's beta1, before the first step and after each
  plateau cases: "plateau NAME", "metric M1 ... M30", "lr L1 ... L30" (the rate after each step), "end".

clipping.txt -- torch.nn.utils.clip_grad_norm_ / clip_grad_value_ on three gradient tensors
    clip NAME KIND MAX TYPE                   KIND: norm | value | per_parameter
    grad I RANK DIMS... VALUES...             before clipping
    norm TOTAL                                the returned total norm (norm, per_parameter: one per tensor)
    after I RANK DIMS... VALUES...
    end

NAdam: torch 1.13's single-tensor NAdam multiplies mu_product_next by mu once too often; PyTorch fixed it in
2.0 (pytorch/pytorch#92699, "mu_product_next = mu_product * mu_next"). The reference here is torch 1.13's own
function with that one line fixed, which is what current PyTorch computes.
"""
import inspect
import math
import os
import sys

import numpy as np
import torch
import torch.optim.nadam as nadam_module
from torch.optim import lr_scheduler as S

torch.set_default_dtype(torch.float64)
torch.manual_seed(20261125)

# ------------------------------------------------------------------ NAdam with the upstream fix
_src = inspect.getsource(nadam_module._single_tensor_nadam)
assert "mu_product_next = mu_product * mu * mu_next" in _src
exec(compile(_src.replace("mu_product_next = mu_product * mu * mu_next", "mu_product_next = mu_product * mu_next"),
             nadam_module.__file__, "exec"), nadam_module.__dict__)


def fmt(t):
    a = np.asarray(t.detach().numpy() if torch.is_tensor(t) else t, dtype=np.float64)
    return " ".join([str(a.ndim)] + [str(d) for d in a.shape] + [repr(float(v)) for v in a.reshape(-1)])


def flat(t):
    a = np.asarray(t.detach().numpy() if torch.is_tensor(t) else t, dtype=np.float64)
    return " ".join(repr(float(v)) for v in a.reshape(-1))


# ------------------------------------------------------------------ the problem
X = torch.rand(4, 3) * 4 - 2
Y = torch.rand(4, 2) * 4 - 2
W0 = torch.rand(3, 2) * 2 - 1
B0 = torch.rand(2) * 2 - 1


def loss_fn(w, b):
    return ((X @ w + b - Y) ** 2).mean() + 0.1 * (w ** 4).sum()


def grads_np(w, b):
    x, y = X.numpy(), Y.numpy()
    r = x @ w + b - y
    dr = 2 * r / r.size
    return x.T @ dr + 0.4 * w ** 3, dr.sum(axis=0)


# ------------------------------------------------------------------ optimizer trajectories
TORCH = {"SGD": torch.optim.SGD, "Adagrad": torch.optim.Adagrad, "Adadelta": torch.optim.Adadelta,
         "RMSProp": torch.optim.RMSprop, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW,
         "NAdam": torch.optim.NAdam, "RAdam": torch.optim.RAdam, "Adamax": torch.optim.Adamax}
NAMES = {"weight_decay": "weightDecay", "lr_decay": "lrDecay", "initial_accumulator_value": "initialAccumulator",
         "alpha": "smoothing", "momentum_decay": "momentumDecay"}

CASES = [
    ("sgd_plain", "SGD", dict(lr=0.1), None),
    ("sgd_momentum", "SGD", dict(lr=0.1, momentum=0.9), None),
    ("sgd_dampening_wd", "SGD", dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.05), None),
    ("sgd_nesterov_wd", "SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1), None),
    ("sgd_momentum_clipnorm", "SGD", dict(lr=0.1, momentum=0.9), ("norm", 0.5, 2.0)),
    ("adagrad_default", "Adagrad", dict(lr=0.1), None),
    ("adagrad_decay_wd_init", "Adagrad", dict(lr=0.2, lr_decay=0.1, weight_decay=0.05, initial_accumulator_value=0.3,
                                              eps=1e-6), None),
    ("adagrad_clipvalue", "Adagrad", dict(lr=0.1), ("value", 0.3)),
    ("adadelta_default", "Adadelta", dict(), None),
    ("adadelta_rho_eps_wd", "Adadelta", dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1), None),
    ("rmsprop_default", "RMSProp", dict(lr=0.01), None),
    ("rmsprop_centered", "RMSProp", dict(lr=0.01, centered=True), None),
    ("rmsprop_momentum_wd", "RMSProp", dict(lr=0.01, momentum=0.9, weight_decay=0.1), None),
    ("rmsprop_centered_momentum_alpha", "RMSProp", dict(lr=0.02, alpha=0.9, momentum=0.5, centered=True, eps=1e-6),
     None),
    ("rmsprop_clipnorm_inf", "RMSProp", dict(lr=0.01, momentum=0.5), ("norm", 0.2, math.inf)),
    ("adam_default", "Adam", dict(lr=0.1), None),
    ("adam_amsgrad", "Adam", dict(lr=0.1, amsgrad=True), None),
    ("adam_wd", "Adam", dict(lr=0.1, weight_decay=0.1), None),
    ("adam_amsgrad_wd_betas", "Adam", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.05, amsgrad=True, eps=1e-6), None),
    ("adam_clipnorm_l1", "Adam", dict(lr=0.1), ("norm", 0.3, 1.0)),
    ("adamw_default", "AdamW", dict(lr=0.1), None),
    ("adamw_wd_amsgrad", "AdamW", dict(lr=0.1, weight_decay=0.2, amsgrad=True), None),
    ("nadam_default", "NAdam", dict(lr=0.1), None),
    ("nadam_wd_decay", "NAdam", dict(lr=0.05, betas=(0.8, 0.95), weight_decay=0.1, momentum_decay=0.01), None),
    ("radam_default", "RAdam", dict(lr=0.1), None),
    ("radam_betas_wd", "RAdam", dict(lr=0.1, betas=(0.8, 0.9), weight_decay=0.1), None),
    ("adamax_default", "Adamax", dict(lr=0.1), None),
    ("adamax_wd_betas", "Adamax", dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, eps=1e-4), None),
]


def java_options(kwargs):
    out = []
    for k, v in kwargs.items():
        if k == "betas":
            out += [("beta1", v[0]), ("beta2", v[1])]
        else:
            out.append((NAMES.get(k, k), v))
    return out


def clip_line(clip):
    if clip is None:
        return "clip none"
    if clip[0] == "norm":
        return "clip norm %r %r" % (clip[1], clip[2])
    return "clip value %r" % clip[1]


def write_header(out):
    for name, t in (("X", X), ("Y", Y), ("w0", W0), ("b0", B0)):
        print("data", name, fmt(t), file=out)


def write_optimizers(out):
    write_header(out)
    for name, kind, kwargs, clip in CASES:
        w = W0.clone().requires_grad_(True)
        b = B0.clone().requires_grad_(True)
        extra = {"foreach": False}
        opt = TORCH[kind]([w, b], **kwargs, **extra)
        print("case", name, kind, file=out)
        for k, v in java_options(kwargs):
            print("option", k, str(v).lower() if isinstance(v, bool) else repr(float(v)), file=out)
        print(clip_line(clip), file=out)
        for k in range(1, 11):
            opt.zero_grad()
            loss_fn(w, b).backward()
            if clip is not None and clip[0] == "norm":
                torch.nn.utils.clip_grad_norm_([w, b], clip[1], clip[2])
            elif clip is not None:
                torch.nn.utils.clip_grad_value_([w, b], clip[1])
            opt.step()
            print("step", k, flat(w), flat(b), file=out)
        print("end", file=out)


# ------------------------------------------------------------------ the lecture's equations in NumPy
def lecture_momentum(lr, beta):
    def run(w, b):
        v = [np.zeros_like(w), np.zeros_like(b)]
        for _ in range(10):
            g = grads_np(w, b)
            for i, p in enumerate((w, b)):
                v[i] = beta * v[i] + (1 - beta) * g[i]     # V = beta V + (1 - beta) dW
                p -= lr * v[i]                             # W = W - alpha V
            yield w, b
    return run


def lecture_adagrad(lr, delta):
    def run(w, b):
        acc = [np.zeros_like(w), np.zeros_like(b)]
        for _ in range(10):
            g = grads_np(w, b)
            for i, p in enumerate((w, b)):
                acc[i] = acc[i] + g[i] ** 2                # sum of squared gradients, the current one included
                p -= lr / np.sqrt(delta + acc[i]) * g[i]   # alpha_i = alpha / sqrt(delta + sum)
            yield w, b
    return run


def lecture_window(lr, delta, window):
    def run(w, b):
        hist = [[], []]
        for _ in range(10):
            g = grads_np(w, b)
            for i, p in enumerate((w, b)):
                hist[i] = (hist[i] + [g[i] ** 2])[-window:]   # the last `window` squared gradients
                p -= lr / np.sqrt(delta + sum(hist[i])) * g[i]
            yield w, b
    return run


def lecture_rmsprop(lr, beta2, eps):
    def run(w, b):
        s = [np.zeros_like(w), np.zeros_like(b)]
        for _ in range(10):
            g = grads_np(w, b)
            for i, p in enumerate((w, b)):
                s[i] = beta2 * s[i] + (1 - beta2) * g[i] ** 2
                p -= lr * g[i] / np.sqrt(s[i] + eps)          # w = w - alpha dw / sqrt(S + eps)
            yield w, b
    return run


def lecture_adam(lr, beta1, beta2, eps):
    def run(w, b):
        m = [np.zeros_like(w), np.zeros_like(b)]
        s = [np.zeros_like(w), np.zeros_like(b)]
        for t in range(1, 11):
            g = grads_np(w, b)
            for i, p in enumerate((w, b)):
                m[i] = beta1 * m[i] + (1 - beta1) * g[i]
                s[i] = beta2 * s[i] + (1 - beta2) * g[i] ** 2
                m_hat = m[i] / (1 - beta1 ** t)
                s_hat = s[i] / (1 - beta2 ** t)
                p -= lr * m_hat / np.sqrt(s_hat + eps)        # W = W - alpha m_corr / sqrt(S_corr + eps)
            yield w, b
    return run


LECTURE = [
    ("lecture_momentum", "SGD", [("lr", 0.1), ("momentum", 0.9), ("ema", True)], lecture_momentum(0.1, 0.9)),
    ("lecture_adagrad", "Adagrad", [("lr", 0.1), ("eps", 1e-7), ("epsInside", True)], lecture_adagrad(0.1, 1e-7)),
    ("lecture_adadelta_window3", "Adadelta", [("lr", 0.1), ("eps", 1e-7), ("window", 3)],
     lecture_window(0.1, 1e-7, 3)),
    ("lecture_rmsprop", "RMSProp", [("lr", 0.01), ("smoothing", 0.999), ("eps", 1e-8), ("epsInside", True)],
     lecture_rmsprop(0.01, 0.999, 1e-8)),
    ("lecture_adam", "Adam", [("lr", 0.1), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8), ("epsInside", True)],
     lecture_adam(0.1, 0.9, 0.999, 1e-8)),
]


def write_lecture(out):
    write_header(out)
    for name, kind, options, run in LECTURE:
        print("case", name, kind, file=out)
        for k, v in options:
            print("option", k, str(v).lower() if isinstance(v, bool) else repr(v), file=out)
        print("clip none", file=out)
        w, b = W0.numpy().copy(), B0.numpy().copy()
        for k, (w, b) in enumerate(run(w, b), start=1):
            print("step", k, flat(w), flat(b), file=out)
        print("end", file=out)


# ------------------------------------------------------------------ schedules
def lrs(make, base=0.1, epochs=30):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=base)
    sched = make(opt)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(opt.param_groups[0]["lr"])
    return out


SCHEDULES = [
    ("constant", lambda o: S.LambdaLR(o, lambda t: 1.0)),
    ("step_7_0.5", lambda o: S.StepLR(o, step_size=7, gamma=0.5)),
    ("multistep_5_12_20_0.3", lambda o: S.MultiStepLR(o, milestones=[5, 12, 20], gamma=0.3)),
    ("exponential_0.9", lambda o: S.ExponentialLR(o, gamma=0.9)),
    ("inverse_time_0.5", lambda o: S.LambdaLR(o, lambda t: 1.0 / (1.0 + 0.5 * t))),
    ("polynomial_20_2", lambda o: S.PolynomialLR(o, total_iters=20, power=2.0)),
    ("polynomial_25_1", lambda o: S.PolynomialLR(o, total_iters=25, power=1.0)),
    ("cosine_10_0.001", lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001)),
    ("cosine_30_0", lambda o: S.CosineAnnealingLR(o, T_max=30)),
    ("warm_restarts_5_1_0.01", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=1, eta_min=0.01)),
    ("warm_restarts_3_2_0", lambda o: S.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2)),
    ("warmup_5_0.1_cosine_25_0.001", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5),
                                                                   S.CosineAnnealingLR(o, T_max=25, eta_min=0.001)],
                                                              milestones=[5])),
    ("warmup_4_0.25_step_6_0.5", lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.25, total_iters=4),
                                                               S.StepLR(o, step_size=6, gamma=0.5)], milestones=[4])),
    ("one_cycle_30", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30, cycle_momentum=False)),
    ("one_cycle_30_linear_three_phase", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30, pct_start=0.25,
                                                               div_factor=10, final_div_factor=100,
                                                               anneal_strategy="linear", three_phase=True,
                                                               cycle_momentum=False)),
]

METRIC = [1.0, 0.9, 0.85, 0.86, 0.849, 0.85, 0.7, 0.71, 0.7, 0.7, 0.69, 0.6999, 0.5, 0.5, 0.5, 0.5, 0.5, 0.45,
          0.45, 0.46, 0.47, 0.3, 0.3, 0.3, 0.3, 0.31, 0.29, 0.3, 0.3, 0.3]
PLATEAUS = [
    ("plateau_default_patience2", dict(patience=2)),
    ("plateau_abs_cooldown", dict(patience=1, factor=0.5, threshold=0.02, threshold_mode="abs", cooldown=2)),
    ("plateau_max_minlr", dict(mode="max", patience=1, factor=0.3, min_lr=0.002)),
    ("plateau_rel_big_threshold", dict(patience=0, factor=0.7, threshold=0.05, eps=1e-3)),
]


def momenta(make, optimizer, epochs=30):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1) if optimizer == "sgd" else torch.optim.Adam([p], lr=0.1)
    sched = make(opt)

    def now():
        g = opt.param_groups[0]
        return g["momentum"] if optimizer == "sgd" else g["betas"][0]

    out = [now()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        out.append(now())
    return out


MOMENTA = [
    ("one_cycle_30", "sgd", lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30)),
    ("one_cycle_30_linear_three_phase", "adam",
     lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30, pct_start=0.25, div_factor=10, final_div_factor=100,
                            anneal_strategy="linear", three_phase=True)),
    ("one_cycle_30_momentum_0.8_0.9", "adam",
     lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=30, base_momentum=0.8, max_momentum=0.9)),
]


def write_schedules(out):
    for name, make in SCHEDULES:
        print("schedule", name, " ".join(repr(v) for v in lrs(make)), file=out)
    for name, optimizer, make in MOMENTA:
        print("momentum", name, optimizer, " ".join(repr(v) for v in momenta(make, optimizer)), file=out)
    for name, kwargs in PLATEAUS:
        p = torch.zeros(1, requires_grad=True)
        opt = torch.optim.SGD([p], lr=0.1)
        sched = S.ReduceLROnPlateau(opt, **kwargs)
        metric = METRIC if kwargs.get("mode") != "max" else [-m for m in METRIC]
        seen = []
        for m in metric:
            sched.step(m)
            seen.append(opt.param_groups[0]["lr"])
        print("plateau", name, file=out)
        for k, v in kwargs.items():
            print("option", k, v, file=out)
        print("metric", " ".join(repr(m) for m in metric), file=out)
        print("lr", " ".join(repr(v) for v in seen), file=out)
        print("end", file=out)


# ------------------------------------------------------------------ clipping
def write_clipping(out):
    grads = [torch.randn(3, 4) * 2, torch.randn(5), torch.randn(2, 2, 2) * 0.5]
    cases = [("norm2", "norm", 1.0, 2.0), ("norm1", "norm", 1.5, 1.0), ("norm_inf", "norm", 0.7, math.inf),
             ("norm3", "norm", 2.0, 3.0), ("norm2_no_clip", "norm", 100.0, 2.0),
             ("value", "value", 0.8, 0.0), ("per_parameter2", "per_parameter", 1.2, 2.0),
             ("per_parameter_inf", "per_parameter", 0.9, math.inf)]
    for name, kind, mx, typ in cases:
        ps = [torch.zeros_like(g, requires_grad=True) for g in grads]
        for p, g in zip(ps, grads):
            p.grad = g.clone()
        print("clip", name, kind, repr(mx), repr(typ), file=out)
        for i, g in enumerate(grads):
            print("grad", i, fmt(g), file=out)
        if kind == "norm":
            print("norm", repr(float(torch.nn.utils.clip_grad_norm_(ps, mx, typ))), file=out)
        elif kind == "per_parameter":
            norms = [float(torch.nn.utils.clip_grad_norm_([p], mx, typ)) for p in ps]
            print("norm", " ".join(repr(n) for n in norms), file=out)
        else:
            torch.nn.utils.clip_grad_value_(ps, mx)
        for i, p in enumerate(ps):
            print("after", i, fmt(p.grad), file=out)
        print("end", file=out)


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "optim/src/test/resources/goldens"
    os.makedirs(target, exist_ok=True)
    for file, writer in (("optimizers.txt", write_optimizers), ("lecture.txt", write_lecture),
                         ("schedules.txt", write_schedules), ("clipping.txt", write_clipping)):
        with open(os.path.join(target, file), "w") as out:
            writer(out)


if __name__ == "__main__":
    main()
