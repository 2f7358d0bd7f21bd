package dev.descent.spark;

import dev.descent.autodiff.Variable;
import dev.descent.core.DType;
import dev.descent.core.InPlace;
import dev.descent.core.Tensor;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * A sum of partitions' weighted loss gradients with their weighted losses and row counts, summed in partition order.
 * The gradients are one primitive array over all parameters in {@code namedParameters} order ({@code lengths[i]}
 * elements for parameter {@code i}, or -1 when no gradient reached it): a partition's share is {@code float[]} for a
 * float32 model (half the bytes, and exact, since its gradients are float32), {@code double[]} otherwise; sums are
 * kept in float64 whatever the model's dtype. It also carries the slowest partition's time to load the parameters
 * and to compute its gradient (the maxima, since partitions run in parallel).
 */
final class GradientSum implements Serializable, BarrierSteps.Total {
    private static final long serialVersionUID = 2L;

    /** Elements per parameter, -1 for a parameter without gradient; null while empty. */
    int[] lengths;
    /** A float32 share's values; null otherwise. */
    float[] f32;
    /** A float64 share's values, or a sum's; null otherwise. */
    double[] f64;
    double loss;
    long rows;
    long loadNanos;
    long computeNanos;

    private GradientSum(int[] lengths, float[] f32, double[] f64, double loss, long rows, long loadNanos, long computeNanos) {
        this.lengths = lengths;
        this.f32 = f32;
        this.f64 = f64;
        this.loss = loss;
        this.rows = rows;
        this.loadNanos = loadNanos;
        this.computeNanos = computeNanos;
    }

    static GradientSum zero() {
        return new GradientSum(null, null, null, 0, 0, 0, 0);
    }

    /** The share of a partition whose parameters hold its gradients: float32 values for a float32 model. */
    static GradientSum share(List<Variable> params, double loss, long rows, long loadNanos, long computeNanos) {
        int[] lengths = new int[params.size()];
        boolean single = true;
        int total = 0;
        for (int i = 0; i < lengths.length; i++) {
            Tensor g = params.get(i).grad();
            lengths[i] = g == null ? -1 : (int) g.size();
            if (g != null) {
                total += lengths[i];
                single &= g.dtype() == DType.FLOAT32;
            }
        }
        float[] f = single ? new float[total] : null;
        double[] d = single ? null : new double[total];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            if (lengths[i] < 0) continue;
            Tensor g = params.get(i).grad();
            if (single) System.arraycopy(g.toFloatArray(), 0, f, at, lengths[i]);
            else System.arraycopy(g.to(DType.FLOAT64).toDoubleArray(), 0, d, at, lengths[i]);
            at += lengths[i];
        }
        return new GradientSum(lengths, f, d, loss, rows, loadNanos, computeNanos);
    }

    private double value(int j) {
        return f32 != null ? f32[j] : f64[j];
    }

    /** Adds {@code other} into this sum (Spark lets aggregate functions modify their first argument). */
    GradientSum add(GradientSum other) {
        loadNanos = Math.max(loadNanos, other.loadNanos);
        computeNanos = Math.max(computeNanos, other.computeNanos);
        if (other.rows == 0) return this;
        if (rows == 0) {
            lengths = other.lengths.clone();
            f64 = new double[other.size()];
            for (int j = 0; j < f64.length; j++) f64[j] = other.value(j);
            f32 = null;
            loss = other.loss;
            rows = other.rows;
            return this;
        }
        if (f32 != null) throw new IllegalStateException("GradientSum: a share cannot be summed into");
        // NOTE: the layouts agree unless a parameter has a gradient in one partition and none in another
        int[] merged = lengths.clone();
        for (int i = 0; i < merged.length; i++) merged[i] = Math.max(lengths[i], other.lengths[i]);
        double[] sum = java.util.Arrays.equals(merged, lengths) ? f64 : new double[total(merged)];
        int here = 0, there = 0, out = 0;
        for (int i = 0; i < merged.length; i++) {
            int n = merged[i];
            if (n < 0) continue;
            boolean mine = lengths[i] >= 0, theirs = other.lengths[i] >= 0;
            for (int j = 0; j < n; j++) {
                double v = mine ? f64[here + j] : 0;
                sum[out + j] = !theirs ? v : mine ? v + other.value(there + j) : other.value(there + j);
            }
            if (mine) here += n;
            if (theirs) there += n;
            out += n;
        }
        lengths = merged;
        f64 = sum;
        loss += other.loss;
        rows += other.rows;
        return this;
    }

    @Override
    public long rows() {
        return rows;
    }

    @Override
    public double loss() {
        return loss;
    }

    private int size() {
        return f32 != null ? f32.length : f64 == null ? 0 : f64.length;
    }

    private static int total(int[] lengths) {
        int t = 0;
        for (int n : lengths) if (n > 0) t += n;
        return t;
    }

    /** Adds this sum into the parameters' gradients (in their dtypes), as if it had been back-propagated there. */
    void backwardInto(List<Variable> params) {
        if (rows == 0) return;
        int at = 0;
        for (int i = 0; i < params.size(); i++) {
            int n = lengths[i];
            if (n < 0) continue;
            Tensor value = params.get(i).value();
            var f = Tensor.on(value.backend(), value.dtype());
            int[] dims = value.shape().dims();
            params.get(i).backward(f32 != null ? f.of(java.util.Arrays.copyOfRange(f32, at, at + n), dims)
                    : f.of(java.util.Arrays.copyOfRange(f64, at, at + n), dims));
            at += n;
        }
    }

    /**
     * Sets the parameters' gradients to this sum, as {@link #backwardInto} gives zeroed ones, bit for bit; a parameter
     * the sum has no gradient for ends with none.
     */
    @Override
    public void setGrads(List<Variable> params) {
        int at = 0;
        for (int i = 0; i < params.size(); i++) {
            int n = rows == 0 ? -1 : lengths[i];
            if (n < 0) {
                params.get(i).zeroGrad();
                continue;
            }
            setGrad(params.get(i), f32 != null ? FloatBuffer.wrap(f32, at, n) : DoubleBuffer.wrap(f64, at, n));
            at += n;
        }
    }

    /**
     * Sets {@code p}'s gradient to {@code values} (its remaining elements, a {@code FloatBuffer} or
     * {@code DoubleBuffer} of p's size), in p's dtype: written straight into the gradient p has when that one is of
     * p's and the values' dtype (no tensor is made), else back-propagated as a new tensor into p's zeroed gradient (the
     * values converted to p's dtype) — the same bits either way.
     * NOTE: writing in place is what optimisers and clipping do to gradients; a gradient is p's own (backward copies
     * the first one it keeps), so nothing else sees the write.
     */
    static void setGrad(Variable p, java.nio.Buffer values) {
        Tensor g = p.grad(), v = p.value();
        DType of = values instanceof FloatBuffer ? DType.FLOAT32 : DType.FLOAT64;
        if (g != null && g.dtype() == of && v.dtype() == of && g.shape().equals(v.shape()) && g.size() == values.remaining()) {
            InPlace.write(values, g, 0);
            return;
        }
        p.zeroGrad();
        p.backward(Tensor.on(v.backend(), v.dtype()).of(values, v.shape().dims()));
    }

    // ---------------------------------------------------------------- as bytes, for the gradient exchange

    /**
     * This share or sum as bytes: the partition, rows, loss and lengths, then the values' little-endian bytes:
     * float32 for a float32 share, or for a sum when {@code float32} (every share summed was float32, so the
     * parameters' gradients would round the sum to float32 anyway), float64 otherwise.
     */
    byte[] encode(int partition, boolean float32) {
        int n = lengths == null ? 0 : lengths.length, size = size();
        int width = f32 != null || float32 ? 4 : 8;
        ByteBuffer b = ByteBuffer.allocate(4 + 8 + 8 + 4 + 1 + 4 * n + width * size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(partition).putLong(rows).putDouble(loss).putInt(n).put((byte) width);
        for (int i = 0; i < n; i++) b.putInt(lengths[i]);
        if (f32 != null) {
            b.asFloatBuffer().put(f32);
        } else if (f64 != null && width == 4) {
            var out = b.asFloatBuffer();
            for (double v : f64) out.put((float) v);
        } else if (f64 != null) {
            b.asDoubleBuffer().put(f64);
        }
        return b.array();
    }

    /** Reads a share or sum written by {@link #encode} (bytes after it are ignored). */
    static GradientSum decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.getInt();
        long rows = b.getLong();
        double loss = b.getDouble();
        int n = b.getInt();
        int width = b.get();
        if (rows == 0) return zero();
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = b.getInt();
        int size = total(lengths);
        float[] f = null;
        double[] d = null;
        if (width == 4) b.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f = new float[size]);
        else b.slice().order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(d = new double[size]);
        return new GradientSum(lengths, f, d, loss, rows, 0, 0);
    }
}
