#!/usr/bin/env python3
"""Fits the polynomial of FloatMath.log and checks it in emulated float32 arithmetic.

ln(1 + f) = f - f^2/2 + f^3 P(f) for f in [sqrt(1/2) - 1, sqrt(2) - 1]. P, of degree 7, minimises the largest
relative error of ln(1 + f) (iteratively reweighted least squares on Chebyshev nodes, in float64). The script prints
P's coefficients rounded to float32 (FloatMath's C0..C7), the fit's relative error, and the largest error in ulps of
FloatMath's evaluation order, emulated with numpy float32 operations (each rounded once, as Java's), against
float64 log rounded to float32 over every float32 of a few binades. FloatMathTest checks the Java code itself.

Usage: /usr/bin/python3 core/src/test/python/fit_log_polynomial.py
"""
import numpy as np

LO, HI = np.sqrt(0.5) - 1, np.sqrt(2) - 1
DEGREE = 7


def fit(degree, iterations=60, nodes=4000):
    f = np.cos(np.pi * (np.arange(nodes) + 0.5) / nodes) * (HI - LO) / 2 + (HI + LO) / 2
    f = f[np.abs(f) > 1e-3]
    target = (np.log1p(f) - f + f * f / 2) / f ** 3
    weight = np.abs(f ** 3 / np.log1p(f))  # an error in P, relative to ln(1 + f)
    extra = np.ones_like(f)
    for _ in range(iterations):
        a = np.vander(f, degree + 1, increasing=True) * (weight * extra)[:, None]
        c = np.linalg.lstsq(a, target * weight * extra, rcond=None)[0]
        err = np.abs((np.vander(f, degree + 1, increasing=True) @ c - target) * weight)
        extra = extra * np.sqrt(err / err.max()) + 1e-12
        extra /= extra.max()
    return c, err.max()


def log32(x, c):
    """FloatMath.log's operations in float32, for positive normal x."""
    F = np.float32
    b = x.view(np.int32) + np.int32(0x3F800000 - 0x3F3504F3)
    e = ((b >> 23) - 127).astype(F)
    m = ((b & 0x7FFFFF) + 0x3F3504F3).astype(np.int32).view(F)
    f = m - F(1)
    z = f * f
    p = c[-1]
    for k in c[-2::-1]:
        p = p * f + k
    return e * F(0.693359375) + ((f - F(0.5) * z + z * f * p) + e * F(-2.12194440e-4))


def main():
    c, rel = fit(DEGREE)
    c32 = [np.float32(v) for v in c]
    for i, v in enumerate(c32):
        print("C%d = %sf" % (i, np.format_float_positional(v, unique=True)))
    print("fit: largest relative error of ln(1 + f): %.3g" % rel)
    worst = 0.0
    for lo, hi in ((0.7, 1.42), (0.35, 0.71), (1.4, 2.9), (0.17, 0.36), (1e-30, 3e-30), (1e30, 3e30)):
        x = np.arange(np.float32(lo).view(np.int32), np.float32(hi).view(np.int32), dtype=np.int32).view(np.float32)
        got = log32(x, c32).astype(np.float64)
        ref = np.log(x.astype(np.float64)).astype(np.float32)
        worst = max(worst, float((np.abs(got - ref) / np.spacing(np.abs(ref)).astype(np.float64)).max()))
    print("float32 evaluation: at most %.2f ulp over the binades checked" % worst)


if __name__ == "__main__":
    main()
