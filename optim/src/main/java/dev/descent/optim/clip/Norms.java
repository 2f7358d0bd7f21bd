package dev.descent.optim.clip;

import dev.descent.core.DType;
import dev.descent.core.Tensor;

import java.util.List;

/**
 * Vector norms of tensors (all elements together) and of lists of tensors, reduced in float64 without allocating:
 * the 1-norm {@code sum |x|}, the 2-norm {@code sqrt(sum x^2)}, any {@code p}-norm {@code (sum |x|^p)^(1/p)} and
 * the infinity norm {@code max |x|}. A NaN anywhere makes the norm NaN.
 *
 * <pre>{@code
 * double l2 = Norms.norm(grad, 2);
 * double total = Norms.totalNorm(List.of(g1, g2), Double.POSITIVE_INFINITY);
 * }</pre>
 */
public final class Norms {
    private Norms() {
    }

    /** The {@code normType}-norm of all elements of {@code t} (a float32 or float64 tensor). */
    public static double norm(Tensor t, double normType) {
        checkType("Norms.norm", normType);
        return root(power(t, normType), normType);
    }

    /** The {@code normType}-norm of all elements of all tensors together, as if they were concatenated. */
    public static double totalNorm(List<Tensor> tensors, double normType) {
        checkType("Norms.totalNorm", normType);
        double acc = 0;
        for (int i = 0; i < tensors.size(); i++) {
            double p = power(tensors.get(i), normType);
            acc = normType == Double.POSITIVE_INFINITY ? Math.max(acc, p) : acc + p;
        }
        return root(acc, normType);
    }

    /** The flat index of the first NaN or infinite element of {@code t}, or -1 if every element is finite. */
    public static int firstNonFinite(Tensor t) {
        return t.dtype() == DType.FLOAT64 ? DoubleNorms.firstNonFinite((double[]) t.storage(), t.size())
                : t.dtype() == DType.FLOAT32 ? FloatNorms.firstNonFinite((float[]) t.storage(), t.size()) : -1;
    }

    /** {@code sum |x|^p} ({@code max |x|} for the infinity norm). */
    static double power(Tensor t, double p) {
        int n = t.size();
        if (t.dtype() == DType.FLOAT64) {
            double[] x = (double[]) t.storage();
            if (p == 2) return DoubleNorms.accSumSquares(x, n);
            if (p == 1) return DoubleNorms.accSumAbs(x, n);
            if (p == Double.POSITIVE_INFINITY) return DoubleNorms.accMaxAbs(x, n);
            return DoubleNorms.accSumPow(x, n, p);
        }
        if (t.dtype() != DType.FLOAT32) {
            throw new IllegalArgumentException("norm: expected a float32 or float64 tensor, got " + t.dtype() + " "
                    + t.shape());
        }
        float[] x = (float[]) t.storage();
        if (p == 2) return FloatNorms.accSumSquares(x, n);
        if (p == 1) return FloatNorms.accSumAbs(x, n);
        if (p == Double.POSITIVE_INFINITY) return FloatNorms.accMaxAbs(x, n);
        return FloatNorms.accSumPow(x, n, p);
    }

    static double root(double power, double p) {
        if (p == 1 || p == Double.POSITIVE_INFINITY) return power;
        if (p == 2) return Math.sqrt(power);
        return Math.pow(power, 1 / p);
    }

    static void checkType(String op, double normType) {
        if (!(normType > 0)) {
            throw new IllegalArgumentException(op + ": normType must be > 0 or infinity, got " + normType);
        }
    }
}
