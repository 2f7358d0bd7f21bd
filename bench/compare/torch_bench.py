#!/usr/bin/env python3
"""Times the same cases as Descent's JMH benchmarks with PyTorch, for bench/compare/run.sh.

Usage: /usr/bin/python3 torch_bench.py THREADS [quick] > torch.json
Prints torch's version, BLAS and thread settings to stderr so a reader can check the comparison is fair
(Debian's python3-torch uses OpenBLAS only when libopenblas0-pthread is installed).
"""
import json
import sys
import time

import torch

threads = int(sys.argv[1])
quick = len(sys.argv) > 2 and sys.argv[2] == "quick"
torch.set_num_threads(threads)
torch.manual_seed(1)
torch.randn(64, 64) @ torch.randn(64, 64)  # load the BLAS
with open("/proc/self/maps") as maps:
    libs = sorted({line.split()[-1] for line in maps if "blas" in line.lower() and ".so" in line})
blas = ["BLAS library: " + ", ".join(libs)]
sys.stderr.write("torch %s, threads %d, %s\n" % (torch.__version__, torch.get_num_threads(), "; ".join(blas)))


def timed(fn, min_time=0.2 if quick else 1.0, repeats=3 if quick else 5):
    """Median over repeats of the mean time per call (microseconds) in batches of at least min_time seconds."""
    fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        dt = time.perf_counter() - t0
        if dt >= min_time / 4:
            break
        n *= 2
    results = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        results.append((time.perf_counter() - t0) / n * 1e6)
    results.sort()
    return results[len(results) // 2]


out = {}
for dt_name, dt in (("FLOAT32", torch.float32), ("FLOAT64", torch.float64)):
    for shape in ("4", "16", "64", "128", "256", "512", "1024", "256x784x512"):
        p = [int(v) for v in shape.split("x")]
        m, k, n = (p[0], p[0], p[0]) if len(p) == 1 else p
        a, b = torch.randn(m, k, dtype=dt), torch.randn(k, n, dtype=dt)
        out["matmul/%s/%s" % (dt_name, shape)] = timed(lambda: a @ b)
    for size in (1000, 100000, 10000000):
        x, row = torch.randn(size // 100, 100, dtype=dt), torch.randn(100, dtype=dt)
        out["kernel/addBroadcastRow/%s/%d" % (dt_name, size)] = timed(lambda: x + row)
        out["kernel/exp/%s/%d" % (dt_name, size)] = timed(lambda: torch.exp(x))
        out["kernel/relu/%s/%d" % (dt_name, size)] = timed(lambda: torch.relu(x))
        out["kernel/sumAxis0/%s/%d" % (dt_name, size)] = timed(lambda: x.sum(0))
        y, positive = torch.randn(size // 100, 100, dtype=dt), x.abs()
        out["kernel/add/%s/%d" % (dt_name, size)] = timed(lambda: x + y)
        out["kernel/log/%s/%d" % (dt_name, size)] = timed(lambda: torch.log(positive))
        out["kernel/tanh/%s/%d" % (dt_name, size)] = timed(lambda: torch.tanh(x))
        out["kernel/sigmoid/%s/%d" % (dt_name, size)] = timed(lambda: torch.sigmoid(x))
        # the same kernels into an existing output (KernelBenchmark's ...Into cases)
        o = torch.empty_like(x)
        out["kernel/addBroadcastRowInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.add(x, row, out=o))
        out["kernel/addInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.add(x, y, out=o))
        out["kernel/expInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.exp(x, out=o))
        out["kernel/sigmoidInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.sigmoid(x, out=o))
        out["kernel/tanhInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.tanh(x, out=o))
        out["kernel/logInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.log(positive, out=o))
        out["kernel/reluInto/%s/%d" % (dt_name, size)] = timed(lambda: torch.clamp_min(x, 0, out=o))
    for network in ("mlp", "tiny"):
        for opt_name in ("adam", "sgd"):
            if network == "mlp":
                model = torch.nn.Sequential(torch.nn.Linear(784, 512), torch.nn.ReLU(), torch.nn.Linear(512, 256),
                                            torch.nn.ReLU(), torch.nn.Linear(256, 10)).to(dt)
                loss_fn = torch.nn.CrossEntropyLoss()
                x, y = torch.randn(256, 784, dtype=dt), torch.randint(0, 10, (256,))
            else:
                model = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16),
                                            torch.nn.Tanh(), torch.nn.Linear(16, 1), torch.nn.Sigmoid()).to(dt)
                loss_fn = torch.nn.BCELoss()
                x, y = torch.randn(32, 2, dtype=dt), torch.bernoulli(torch.full((32, 1), 0.5, dtype=dt))
            opt = torch.optim.Adam(model.parameters(), lr=1e-3) if opt_name == "adam" else \
                torch.optim.SGD(model.parameters(), lr=0.01)

            def step():
                opt.zero_grad()
                loss_fn(model(x), y).backward()
                opt.step()

            out["step/%s/%s/%s" % (network, dt_name, opt_name)] = timed(step)

# ConvBenchmark's cases, float32, batch 64: one 3x3 padding-1 convolution forward and backward, and a training step
# of the Fashion-MNIST CNN (conv 32, BN, ReLU, pool, conv 64, BN, ReLU, pool, dense 128, dropout, 10) with Adam
for layer, cin, cout, size in (("conv1", 1, 32, 28), ("conv2", 32, 64, 14)):
    cx = torch.randn(64, cin, size, size).requires_grad_(True)
    cw = (0.1 * torch.randn(cout, cin, 3, 3)).requires_grad_(True)
    cb = torch.zeros(cout).requires_grad_(True)
    cg = torch.randn(64, cout, size, size)

    def conv_step():
        cx.grad = cw.grad = cb.grad = None
        torch.nn.functional.conv2d(cx, cw, cb, padding=1).backward(cg)

    out["conv/%s/FLOAT32" % layer] = timed(conv_step)
cnn = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 3, padding=1), torch.nn.BatchNorm2d(32), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 3, padding=1), torch.nn.BatchNorm2d(64), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Flatten(), torch.nn.Linear(64 * 7 * 7, 128), torch.nn.ReLU(), torch.nn.Dropout(0.25),
    torch.nn.Linear(128, 10))
cnn_opt = torch.optim.Adam(cnn.parameters(), lr=1e-3)
cnn_loss = torch.nn.CrossEntropyLoss()
cnn_x, cnn_y = torch.randn(64, 1, 28, 28), torch.randint(0, 10, (64,))


def cnn_step():
    cnn_opt.zero_grad()
    cnn_loss(cnn(cnn_x), cnn_y).backward()
    cnn_opt.step()


out["cnnstep/FLOAT32"] = timed(cnn_step)

# CnnLayerBenchmark's cases: the CNN's layers between its convolutions, forward and backward, training mode
for layer, channels, size in (("bn1", 32, 28), ("relu1", 32, 28), ("pool1", 32, 28), ("bn2", 64, 14),
                              ("relu2", 64, 14), ("pool2", 64, 14)):
    lm = {"bn": lambda: torch.nn.BatchNorm2d(channels), "relu": torch.nn.ReLU,
          "pool": lambda: torch.nn.MaxPool2d(2)}[layer[:-1]]()
    lx = torch.randn(64, channels, size, size).requires_grad_(True)
    lg = torch.randn(lm(lx).shape)

    def layer_step():
        lx.grad = None
        lm.zero_grad()
        lm(lx).backward(lg)

    out["cnnlayer/%s/FLOAT32" % layer] = timed(layer_step)

# LstmStepBenchmark's case: one training step of nn.LSTM(128, 256) over 35 steps of a batch of 32 from zero states,
# MSE against a fixed target, Adam, in both dtypes
for dt_name, dt in (("FLOAT32", torch.float32), ("FLOAT64", torch.float64)):
    lstm = torch.nn.LSTM(128, 256).to(dt)
    lstm_opt = torch.optim.Adam(lstm.parameters(), lr=1e-3)
    lstm_x, lstm_target = torch.randn(35, 32, 128, dtype=dt), torch.rand(35, 32, 256, dtype=dt) * 2 - 1

    def lstm_step():
        lstm_opt.zero_grad()
        torch.nn.functional.mse_loss(lstm(lstm_x)[0], lstm_target).backward()
        lstm_opt.step()

    out["lstmstep/%s" % dt_name] = timed(lstm_step)

# one epoch of 784-256-128-10 over 60,000 samples, batch 128, shuffled, Adam, float32 (milliseconds)
model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
X, Y = torch.rand(60000, 784), torch.randint(0, 10, (60000,))


def epoch():
    order = torch.randperm(60000)
    for start in range(0, 60000, 128):
        idx = order[start:start + 128]
        opt.zero_grad()
        loss_fn(model(X[idx]), Y[idx]).backward()
        opt.step()


epoch()
times = []
for _ in range(1 if quick else 3):
    t0 = time.perf_counter()
    epoch()
    times.append((time.perf_counter() - t0) * 1e3)
times.sort()
out["epoch/FLOAT32"] = times[len(times) // 2] * 1e3  # microseconds, like the rest
json.dump({"threads": threads, "torch": torch.__version__, "blas": blas, "results": out}, sys.stdout, indent=1)
