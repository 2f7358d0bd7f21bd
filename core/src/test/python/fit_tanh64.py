#!/usr/bin/env python3
"""The float64 tanh polynomial of DoubleMath, and its measured error.

For |x| < T, DoubleMath.tanh evaluates tanh(x) = x + x * s * P(s) with s = x*x, where P is the near-minimax
(Chebyshev) polynomial of (tanh(x)/x - 1)/s on [0, T^2]; above T it uses 1 - 2/(exp(2|x|) + 1). This script fits P
in 50-digit arithmetic, prints its coefficients (highest degree first, as DoubleMath's Horner scheme takes them),
and measures the whole function's error in ulps against 50-digit tanh on a dense sample, with Python's float64
arithmetic and exp standing in for Java's. Run with: /usr/bin/python3 core/src/test/python/fit_tanh64.py
"""
import math
import random

import mpmath as mp

mp.mp.dps = 50
T = 0.8          # below it the polynomial, above it exp
N = 13           # coefficients of P


def target(s):
    x = mp.sqrt(s)
    return (mp.tanh(x) / x - 1) / s


poly, err = mp.chebyfit(target, [0, mp.mpf(T) ** 2], N, error=True)
coefficients = [float(p) for p in poly]


def tanh(x):
    a = abs(x)
    if not a < 22:
        return x if x != x else math.copysign(1.0, x)
    if a < 2.0 ** -28:
        return x
    if a < T:
        s = x * x
        p = coefficients[0]
        for c in coefficients[1:]:
            p = p * s + c
        return x + x * (s * p)
    return math.copysign(1 - 2 / (math.exp(2 * a) + 1), x)


def main():
    print("fit error of P: %s" % mp.nstr(err, 3))
    print("coefficients: " + ", ".join(repr(c) for c in coefficients))
    random.seed(1)
    xs = [random.uniform(0, T) for _ in range(200000)] + [random.uniform(T, 22) for _ in range(100000)]
    xs += [10 ** random.uniform(-9, 0) for _ in range(100000)] + [T * (1 + i * 1e-7) for i in range(-1000, 1000)]
    worst, at = 0.0, None
    for x in xs:
        exact = mp.tanh(mp.mpf(x))
        e = float(abs(mp.mpf(tanh(x)) - exact) / math.ulp(float(exact)))
        if e > worst:
            worst, at = e, x
    print("worst error %.3f ulp at x = %r over %d points" % (worst, at, len(xs)))


if __name__ == "__main__":
    main()
