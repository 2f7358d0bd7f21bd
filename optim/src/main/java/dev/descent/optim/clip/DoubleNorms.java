package dev.descent.optim.clip;

/**
 * The float64 reduction loops behind {@link Norms}: sums of powers of absolute values, the largest absolute value
 * and the finiteness test, over the first {@code n} elements of a {@code double[]}.
 *
 * <p>This file is the single source of these loops: the build (optim/pom.xml) generates {@code FloatNorms} from it
 * by replacing the 64-bit primitive type with the 32-bit one everywhere except in variables named {@code acc...},
 * so float32 gradients are still summed in 64 bits; hence the {@code acc} prefix on the methods that return a
 * float64 result.
 */
final class DoubleNorms {
    private DoubleNorms() {
    }

    /** {@code sum(x^2)}. */
    static double accSumSquares(double[] x, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) {
            double accX = x[i];
            acc += accX * accX;
        }
        return acc;
    }

    /** {@code sum(|x|)}. */
    static double accSumAbs(double[] x, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) acc += Math.abs(x[i]);
        return acc;
    }

    /** {@code sum(|x|^p)}. */
    static double accSumPow(double[] x, int n, double accPower) {
        double acc = 0;
        for (int i = 0; i < n; i++) acc += Math.pow(Math.abs(x[i]), accPower);
        return acc;
    }

    /** {@code max(|x|)}, NaN if any element is NaN, 0 for no elements. */
    static double accMaxAbs(double[] x, int n) {
        double acc = 0;
        for (int i = 0; i < n; i++) acc = Math.max(acc, Math.abs(x[i]));
        return acc;
    }


    /** The index of the first NaN or infinite element, or -1 when all are finite. */
    static int firstNonFinite(double[] x, int n) {
        // NOTE: x * 0 is 0 for every finite x and NaN for NaN and +-inf, so one branch-free pass finds out whether
        // there is anything to look for; the rare failing case then searches for the index.
        // Four independent sums, so the adds are not one serial chain (the pass runs over every gradient each step).
        double acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
        int i4 = n & ~3;
        for (int i = 0; i < i4; i += 4) {
            acc0 += x[i] * 0;
            acc1 += x[i + 1] * 0;
            acc2 += x[i + 2] * 0;
            acc3 += x[i + 3] * 0;
        }
        for (int i = i4; i < n; i++) acc0 += x[i] * 0;
        if (acc0 + acc1 + acc2 + acc3 == 0) return -1;
        for (int i = 0; i < n; i++) {
            if (x[i] * 0 != 0) return i;
        }
        return -1;
    }
}
