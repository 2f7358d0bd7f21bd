#!/usr/bin/env python3
"""PyTorch reference runs for Descent's training loop (float64), written offline; tests never call Python.

Run: /usr/bin/python3 optim/src/test/python/generate_training_goldens.py > optim/src/test/resources/training/goldens.txt

A tanh/sigmoid MLP 3-5-1 with binary cross-entropy on probabilities, trained full-batch for 20 steps with each
optimiser, and one mini-batch run (batch 3, 4 epochs) whose shuffling reproduces Descent's Rng (xoshiro256**
seeded through SplitMix64, Lemire's bounded integers, Fisher-Yates) so that both sides see the same batches.
Parameters are printed in Descent's layout: Linear weights (in, out), i.e. torch's weight transposed.
"""
import torch

torch.set_default_dtype(torch.float64)
M = (1 << 64) - 1


class DescentRng:
    def __init__(self, seed):
        x = seed & M
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & M
            s.append(self._mix(x))
        self.s = s

    @staticmethod
    def _mix(z):
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
        return z ^ (z >> 31)

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & M

    def next_long(self):
        s0, s1, s2, s3 = self.s
        result = (self._rotl((s1 * 5) & M, 7) * 9) & M
        t = (s1 << 17) & M
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = self._rotl(s3, 45)
        self.s = [s0, s1, s2, s3]
        return result

    def next_int(self, bound):
        m = (self.next_long() >> 32) * bound
        low = m & 0xFFFFFFFF
        if low < bound:
            threshold = ((1 << 32) - bound) % bound
            while low < threshold:
                m = (self.next_long() >> 32) * bound
                low = m & 0xFFFFFFFF
        return m >> 32

    def permutation(self, n):
        p = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.next_int(i + 1)
            p[i], p[j] = p[j], p[i]
        return p


def fmt(t):
    t = t.detach()
    return " ".join([str(t.dim())] + [str(d) for d in t.shape] + [repr(float(v)) for v in t.reshape(-1).tolist()])


torch.manual_seed(3)
X = torch.rand(8, 3) * 4 - 2
Y = (X[:, :1] * X[:, 1:2] > 0).double()
lin1, lin2 = torch.nn.Linear(3, 5), torch.nn.Linear(5, 1)
init = {"0.weight": lin1.weight.detach().T.clone(), "0.bias": lin1.bias.detach().clone(),
        "2.weight": lin2.weight.detach().T.clone(), "2.bias": lin2.bias.detach().clone()}
print("data X " + fmt(X))
print("data Y " + fmt(Y))
for k, v in init.items():
    print("init %s %s" % (k, fmt(v)))


def model():
    m = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(), torch.nn.Linear(5, 1), torch.nn.Sigmoid())
    with torch.no_grad():
        m[0].weight.copy_(init["0.weight"].T)
        m[0].bias.copy_(init["0.bias"])
        m[2].weight.copy_(init["2.weight"].T)
        m[2].bias.copy_(init["2.bias"])
    return m


def run(name, make_opt, batches):
    m = model()
    opt = make_opt(m.parameters())
    losses = []
    for idx in batches:
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy(m(X[idx]), Y[idx])
        loss.backward()
        opt.step()
        losses.append(loss.item())
    print("run " + name)
    print("losses %d %s" % (len(losses), " ".join(repr(v) for v in losses)))
    print("param 0.weight " + fmt(m[0].weight.T))
    print("param 0.bias " + fmt(m[0].bias))
    print("param 2.weight " + fmt(m[2].weight.T))
    print("param 2.bias " + fmt(m[2].bias))
    print("end")


full = [list(range(8))] * 20
run("sgd", lambda p: torch.optim.SGD(p, lr=0.5), full)
run("momentum", lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9), full)
run("nesterov", lambda p: torch.optim.SGD(p, lr=0.2, momentum=0.9, nesterov=True, weight_decay=1e-3), full)
run("adam", lambda p: torch.optim.Adam(p, lr=0.05), full)
run("adamw", lambda p: torch.optim.AdamW(p, lr=0.05, weight_decay=0.1), full)
run("rmsprop", lambda p: torch.optim.RMSprop(p, lr=0.01), full)
run("adagrad", lambda p: torch.optim.Adagrad(p, lr=0.3), full)
run("adadelta", lambda p: torch.optim.Adadelta(p, lr=1.0), full)

rng = DescentRng(7)
mini = []
for epoch in range(4):
    order = rng.permutation(8)
    mini += [order[0:3], order[3:6], order[6:8]]
run("minibatch_adam", lambda p: torch.optim.Adam(p, lr=0.05), mini)
