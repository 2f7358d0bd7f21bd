package dev.descent.optim.clip;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;
import dev.descent.core.spi.UnaryOp;

import java.util.ArrayList;
import java.util.List;

/**
 * Vector norms of tensors (all elements together) and of lists of tensors, reduced in float64: the 1-norm
 * {@code sum |x|}, the 2-norm {@code sqrt(sum x^2)}, any {@code p}-norm {@code (sum |x|^p)^(1/p)} and the infinity
 * norm {@code max |x|}; a NaN anywhere makes the norm NaN. And the finiteness test. These are the one norm and the
 * one finiteness check of optim: the optimisers' step, the clipping and the trainer's divergence guard use them.
 *
 * <pre>{@code
 * double l2 = Norms.norm(grad, 2);
 * double total = Norms.totalNorm(List.of(g1, g2), Double.POSITIVE_INFINITY);
 * double gradNorm = Norms.gradNorm(model.parameters(), 2);
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

    /** The {@code normType}-norm of the gradients of {@code params} together (those without one are skipped). */
    public static double gradNorm(List<Variable> params, double normType) {
        return totalNorm(gradients(params), normType);
    }

    /** The gradients of {@code params} that exist, in order. */
    static List<Tensor> gradients(List<Variable> params) {
        List<Tensor> all = new ArrayList<>();
        for (Variable p : params) {
            if (p.grad() != null) all.add(p.grad());
        }
        return all;
    }

    /**
     * The flat index of the first NaN or infinite element of {@code t}, or -1 if every element is finite (and for
     * an integer tensor).
     */
    public static int firstNonFinite(Tensor t) {
        if (!t.dtype().isFloating() || t.size() == 0) return -1;
        // NOTE: the sum of all elements is finite whenever every element is, so one pass without a temporary
        // answers the common case; a non-finite sum (a bad element, or an overflow of finite ones) is then searched.
        if (Double.isFinite(laneSum(t))) return -1;
        double[] x = t.toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) return i;
        }
        return -1;
    }

    /** The most columns {@link #laneSum} sums separately. */
    private static final int LANES = 512;

    /**
     * The sum of all elements of {@code t}, in another order than {@code t.sum()}: the column sums of its elements
     * viewed as rows of {@code LANES} columns (or of the largest power of two that divides its size), then their sum.
     * NOTE: one sum is one serial chain of additions, each waiting for the last; column sums are independent
     * chains, and the guard runs over every gradient on every step.
     */
    private static double laneSum(Tensor t) {
        int n = t.size(), lanes = LANES;
        while (n % lanes != 0) lanes /= 2;
        Tensor flat = t.flatten();
        // A small tensor is summed at once: its chain is short, and the column sums would be one more tensor.
        if (n < 8 * LANES || lanes == 1) return flat.sum().item();
        return flat.reshape(n / lanes, lanes).sum(0).sum().item();
    }

    /** Whether every element of {@code t} is finite. */
    public static boolean isFinite(Tensor t) {
        return firstNonFinite(t) < 0;
    }

    /**
     * {@code sum |x|^p} ({@code max |x|} for the infinity norm) in float64 (float32 elements are widened one by one,
     * so they are squared and summed in 64 bits; see {@link #powerOfFloats}).
     */
    static double power(Tensor t, double p) {
        if (!t.dtype().isFloating()) {
            throw new IllegalArgumentException("norm: expected a float32 or float64 tensor, got " + t.dtype() + " "
                    + t.shape());
        }
        if (t.size() == 0) return 0;
        if (t.dtype() == DType.FLOAT32) return powerOfFloats(t, p);
        Tensor flat = t.flatten();
        if (p == 2) return flat.square().sum().item();
        Tensor x = flat.abs();
        if (p == 1) return x.sum().item();
        if (p == Double.POSITIVE_INFINITY) return x.max().item();
        InPlace.map(UnaryOp.POW_SCALAR, x, p, 0, x);
        return x.sum().item();
    }

    /** Per thread: the float32 elements {@link #powerOfFloats} reads, kept for the next call (one gradient's size). */
    private static final ThreadLocal<java.lang.ref.SoftReference<float[]>> FLOATS = new ThreadLocal<>();

    /** Accumulators of {@link #powerOfFloats}: independent chains of additions, combined in a fixed order. */
    private static final int CHAINS = 4;

    /**
     * {@link #power} of a float32 tensor without a float64 copy of it: its elements are read once into a float array
     * of this thread (reused from call to call) and each is widened to float64 as it is used, so that it is squared
     * (exactly: a float32's square fits in a float64's 53 bits), raised and summed in 64 bits as before.
     * NOTE: element i goes to chain {@code i % CHAINS}, and the chains are added {@code (c0 + c1) + (c2 + c3)}:
     * a fixed order, whatever the thread, so every replica of a data-parallel step gets the same bits.
     */
    private static double powerOfFloats(Tensor t, double p) {
        int n = t.size();
        java.lang.ref.SoftReference<float[]> ref = FLOATS.get();
        float[] x = ref == null ? null : ref.get();
        if (x == null || x.length < n) FLOATS.set(new java.lang.ref.SoftReference<>(x = new float[n]));
        t.copyTo(java.nio.FloatBuffer.wrap(x, 0, n));
        if (p == Double.POSITIVE_INFINITY) {
            double m = 0;
            for (int i = 0; i < n; i++) m = Math.max(m, Math.abs((double) x[i]));
            return m;
        }
        double[] c = new double[CHAINS];
        int whole = n - n % CHAINS;
        if (p == 2) {
            for (int i = 0; i < whole; i += CHAINS) {
                for (int k = 0; k < CHAINS; k++) {
                    double v = x[i + k];
                    c[k] += v * v;
                }
            }
            for (int i = whole; i < n; i++) {
                double v = x[i];
                c[i - whole] += v * v;
            }
        } else {
            for (int i = 0; i < n; i++) {
                double v = Math.abs((double) x[i]);
                c[i % CHAINS] += p == 1 ? v : Math.pow(v, p);
            }
        }
        return (c[0] + c[1]) + (c[2] + c[3]);
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
