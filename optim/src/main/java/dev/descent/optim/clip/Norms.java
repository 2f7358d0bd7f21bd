package dev.descent.optim.clip;

import dev.descent.core.DType;
import dev.descent.core.Tensor;

import java.util.List;

/**
 * Vector norms of tensors (all elements together) and of lists of tensors, reduced in float64 in index order:
 * the 1-norm {@code sum |x|}, the 2-norm {@code sqrt(sum x^2)}, any {@code p}-norm {@code (sum |x|^p)^(1/p)} and
 * the infinity norm {@code max |x|}. A NaN anywhere makes the norm NaN. Written with the tensor API, so they run
 * on any backend.
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
        double total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            double p = power(tensors.get(i), normType);
            total = normType == Double.POSITIVE_INFINITY ? Math.max(total, p) : total + p;
        }
        return root(total, normType);
    }

    /** The flat index of the first NaN or infinite element of {@code t}, or -1 if every element is finite. */
    public static int firstNonFinite(Tensor t) {
        if (!t.dtype().isFloating() || t.size() == 0) return -1;
        // NOTE: a NaN or an infinity makes the sum NaN or infinite, so one reduction (one pass, no temporary) answers
        // for the common all-finite case; only a non-finite sum (or a finite overflow) searches for the index.
        if (Double.isFinite(t.flatten().sum().item())) return -1;
        double[] x = t.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) return i;
        }
        return -1;
    }

    /** {@code sum |x|^p} ({@code max |x|} for the infinity norm), in float64 and index order. */
    static double power(Tensor t, double p) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException("norm: expected a float32 or float64 tensor, got " + t.dtype() + " "
                    + t.shape());
        }
        if (t.size() == 0) return 0;
        Tensor x = t.flatten().to(DType.FLOAT64);
        if (p == 2) return x.square().sum().item();
        Tensor a = x.abs();
        if (p == 1) return a.sum().item();
        if (p == Double.POSITIVE_INFINITY) return a.max().item();
        return a.pow(p).sum().item();
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
