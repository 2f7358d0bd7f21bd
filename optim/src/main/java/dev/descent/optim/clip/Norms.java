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
        // NOTE: one read of the elements into this thread's reused array, then one scan: no tensor is made
        return t.dtype() == DType.FLOAT32 ? firstNonFinite(floats(t), t.size()) : firstNonFinite(doubles(t), t.size());
    }

    /** Independent chains of the finiteness scan, so that it is not one serial chain of additions. */
    private static final int SCAN = 8;

    /**
     * The first index {@code < n} of a NaN or infinity in {@code x}, or -1. NOTE: {@code x - x} is +0 for every
     * finite x and NaN for NaN and the infinities, so the sums of those differences (in {@link #SCAN} chains) are 0
     * exactly when every element is finite, without overflow; the index is searched only when one is not.
     */
    private static int firstNonFinite(float[] x, int n) {
        float[] acc = new float[SCAN];
        int whole = n - n % SCAN;
        for (int i = 0; i < whole; i += SCAN) {
            for (int k = 0; k < SCAN; k++) acc[k] += x[i + k] - x[i + k];
        }
        float all = 0;
        for (int i = whole; i < n; i++) all += x[i] - x[i];
        for (int k = 0; k < SCAN; k++) all += acc[k];
        if (all == 0) return -1;
        for (int i = 0; i < n; i++) if (!Float.isFinite(x[i])) return i;
        return -1;
    }

    /** {@link #firstNonFinite(float[], int)} for float64 elements. */
    private static int firstNonFinite(double[] x, int n) {
        double[] acc = new double[SCAN];
        int whole = n - n % SCAN;
        for (int i = 0; i < whole; i += SCAN) {
            for (int k = 0; k < SCAN; k++) acc[k] += x[i + k] - x[i + k];
        }
        double all = 0;
        for (int i = whole; i < n; i++) all += x[i] - x[i];
        for (int k = 0; k < SCAN; k++) all += acc[k];
        if (all == 0) return -1;
        for (int i = 0; i < n; i++) if (!Double.isFinite(x[i])) return i;
        return -1;
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

    /** Per thread: the float64 elements {@link #firstNonFinite} reads, kept for the next call. */
    private static final ThreadLocal<java.lang.ref.SoftReference<double[]>> DOUBLES = new ThreadLocal<>();

    /** The elements of float32 {@code t}, in this thread's reused array (its first {@code t.size()} entries). */
    private static float[] floats(Tensor t) {
        int n = t.size();
        java.lang.ref.SoftReference<float[]> ref = FLOATS.get();
        float[] x = ref == null ? null : ref.get();
        if (x == null || x.length < n) FLOATS.set(new java.lang.ref.SoftReference<>(x = new float[n]));
        t.copyTo(java.nio.FloatBuffer.wrap(x, 0, n));
        return x;
    }

    /** The elements of float64 {@code t}, in this thread's reused array (its first {@code t.size()} entries). */
    private static double[] doubles(Tensor t) {
        int n = t.size();
        java.lang.ref.SoftReference<double[]> ref = DOUBLES.get();
        double[] x = ref == null ? null : ref.get();
        if (x == null || x.length < n) DOUBLES.set(new java.lang.ref.SoftReference<>(x = new double[n]));
        t.copyTo(java.nio.DoubleBuffer.wrap(x, 0, n));
        return x;
    }

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
        float[] x = floats(t);
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
