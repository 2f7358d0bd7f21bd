package dev.descent.core.kernels;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.spi.AdamStep;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.UnaryOp;

import java.util.List;

/**
 * The shared, array-based implementations of every {@link dev.descent.core.spi.Backend} kernel: dtype dispatch
 * onto {@link DoubleKernels} / {@code FloatKernels} for arithmetic and {@link Strided} for movement. Backends
 * inherit these through the SPI's default methods and override what their library does better.
 *
 * <p>Every kernel is alias-safe: an output may share storage with an input.
 */
public final class Kernels {
    private Kernels() {
    }

    public static void fill(Tensor out, double value) {
        Object o = out.storage();
        switch (out.dtype()) {
            case FLOAT64 -> DoubleKernels.fill((double[]) o, 0, out.size(), value);
            case FLOAT32 -> FloatKernels.fill((float[]) o, 0, out.size(), (float) value);
            case INT32 -> java.util.Arrays.fill((int[]) o, (int) value);
        }
    }

    /** Copies {@code x} into {@code out} (same shape), converting the dtype; float to int truncates toward 0. */
    public static void convert(Tensor x, Tensor out) {
        Object s = x.storage();
        Object d = out.storage();
        int n = x.size();
        if (x.dtype() == out.dtype()) {
            if (s != d) System.arraycopy(s, 0, d, 0, n);
            return;
        }
        switch (x.dtype()) {
            case FLOAT64 -> {
                double[] v = (double[]) s;
                if (d instanceof float[] f) for (int i = 0; i < n; i++) f[i] = (float) v[i];
                else { int[] t = (int[]) d; for (int i = 0; i < n; i++) t[i] = (int) v[i]; }
            }
            case FLOAT32 -> {
                float[] v = (float[]) s;
                if (d instanceof double[] f) for (int i = 0; i < n; i++) f[i] = v[i];
                else { int[] t = (int[]) d; for (int i = 0; i < n; i++) t[i] = (int) v[i]; }
            }
            case INT32 -> {
                int[] v = (int[]) s;
                if (d instanceof double[] f) for (int i = 0; i < n; i++) f[i] = v[i];
                else { float[] t = (float[]) d; for (int i = 0; i < n; i++) t[i] = v[i]; }
            }
        }
    }

    public static void map(UnaryOp op, Tensor x, double p, double q, Tensor out) {
        int n = x.size();
        if (x.dtype() == DType.FLOAT64) {
            DoubleKernels.map(op, (double[]) x.storage(), 0, (double[]) out.storage(), 0, n, p, q);
        } else {
            FloatKernels.map(op, (float[]) x.storage(), 0, (float[]) out.storage(), 0, n, (float) p, (float) q);
        }
    }

    public static void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        // NOTE: the common cases need no broadcast plan: each operand has out's shape or is a single element.
        boolean aFits = a.size() == 1 || a.shape().equals(out.shape());
        boolean bFits = b.size() == 1 || b.shape().equals(out.shape());
        if (aFits && bFits) {
            int n = out.size(), sa = a.size() == 1 ? 0 : 1, sb = b.size() == 1 ? 0 : 1;
            if (a.dtype() == DType.FLOAT64) {
                DoubleKernels.zip(op, (double[]) a.storage(), 0, sa, (double[]) b.storage(), 0, sb, (double[]) out.storage(), 0, n);
            } else {
                FloatKernels.zip(op, (float[]) a.storage(), 0, sa, (float[]) b.storage(), 0, sb, (float[]) out.storage(), 0, n);
            }
            return;
        }
        // NOTE: an operand whose shape is a suffix of out's (a bias row added to every row) repeats along the rows.
        if ((aFits && a.size() > 1 && isSuffix(b.shape(), out.shape())) || (bFits && b.size() > 1 && isSuffix(a.shape(), out.shape()))) {
            boolean aRepeats = !aFits || a.size() == 1 && !bFits;
            int len = aRepeats ? a.size() : b.size(), rows = len == 0 ? 0 : out.size() / len;
            int sa = aRepeats ? 0 : len, sb = aRepeats ? len : 0;
            if (a.dtype() == DType.FLOAT64) {
                double[] x = (double[]) a.storage(), y = (double[]) b.storage(), o = (double[]) out.storage();
                for (int r = 0; r < rows; r++) DoubleKernels.zip(op, x, r * sa, 1, y, r * sb, 1, o, r * len, len);
            } else {
                float[] x = (float[]) a.storage(), y = (float[]) b.storage(), o = (float[]) out.storage();
                for (int r = 0; r < rows; r++) FloatKernels.zip(op, x, r * sa, 1, y, r * sb, 1, o, r * len, len);
            }
            return;
        }
        BroadcastPlan plan = BroadcastPlan.of(out.shape(), a.shape(), b.shape());
        int[] oa = plan.offsets[0], ob = plan.offsets[1];
        int sa = plan.innerStride[0], sb = plan.innerStride[1];
        int len = plan.rowLen;
        // Rows are written in order and each reads its own input positions first, so out may alias a
        // same-shaped input; a broadcast input is read before any row that could overwrite it only if it is
        // not out itself (an input aliased with out has out's shape, hence is not broadcast).
        if (a.dtype() == DType.FLOAT64) {
            double[] x = (double[]) a.storage(), y = (double[]) b.storage(), o = (double[]) out.storage();
            for (int r = 0; r < plan.rows; r++) DoubleKernels.zip(op, x, oa[r], sa, y, ob[r], sb, o, r * len, len);
        } else {
            float[] x = (float[]) a.storage(), y = (float[]) b.storage(), o = (float[]) out.storage();
            for (int r = 0; r < plan.rows; r++) FloatKernels.zip(op, x, oa[r], sa, y, ob[r], sb, o, r * len, len);
        }
    }

    /** Whether {@code part}'s dimensions are the trailing dimensions of {@code whole}'s. */
    private static boolean isSuffix(Shape part, Shape whole) {
        int shift = whole.rank() - part.rank();
        if (shift < 0) return false;
        for (int i = 0; i < part.rank(); i++) {
            if (part.dim(i) != whole.dim(shift + i)) return false;
        }
        return true;
    }

    /** {@code out = cond != 0 ? a : b} with broadcasting; {@code cond} has the dtype of {@code a}. */
    public static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        BroadcastPlan plan = BroadcastPlan.of(out.shape(), cond.shape(), a.shape(), b.shape());
        int[] oc = plan.offsets[0], oa = plan.offsets[1], ob = plan.offsets[2];
        int sc = plan.innerStride[0], sa = plan.innerStride[1], sb = plan.innerStride[2];
        int len = plan.rowLen;
        if (a.dtype() == DType.FLOAT64) {
            double[] c = (double[]) cond.storage(), x = (double[]) a.storage(), y = (double[]) b.storage();
            double[] o = (double[]) out.storage();
            for (int r = 0; r < plan.rows; r++) {
                DoubleKernels.where(c, oc[r], sc, x, oa[r], sa, y, ob[r], sb, o, r * len, len);
            }
        } else {
            float[] c = (float[]) cond.storage(), x = (float[]) a.storage(), y = (float[]) b.storage();
            float[] o = (float[]) out.storage();
            for (int r = 0; r < plan.rows; r++) {
                FloatKernels.where(c, oc[r], sc, x, oa[r], sa, y, ob[r], sb, o, r * len, len);
            }
        }
    }

    /** Reduces {@code x} along {@code axis} into {@code out}, whose shape is x's with that axis set to 1. */
    public static void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        Shape s = x.shape();
        int outer = s.sizeOf(0, axis), n = s.dim(axis), inner = s.sizeOf(axis + 1, s.rank());
        Object src = x.storage() == out.storage() ? copy(x.storage()) : x.storage();
        if (op.isArg()) {
            if (x.dtype() == DType.FLOAT64) DoubleKernels.argReduce(op, (double[]) src, (int[]) out.storage(), outer, n, inner);
            else FloatKernels.argReduce(op, (float[]) src, (int[]) out.storage(), outer, n, inner);
        } else if (x.dtype() == DType.FLOAT64) {
            DoubleKernels.reduce(op, (double[]) src, (double[]) out.storage(), outer, n, inner);
        } else {
            FloatKernels.reduce(op, (float[]) src, (float[]) out.storage(), outer, n, inner);
        }
    }

    /** Row-major GEMM on arrays with offsets; see {@link dev.descent.core.spi.Backend#gemm}. */
    public static void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
                            Object a, int aOff, Object b, int bOff, double beta, Object c, int cOff) {
        if (c == a) { a = copy(a); }
        if (c == b) { b = copy(b); }
        if (dtype == DType.FLOAT64) {
            DoubleKernels.gemm(transA, transB, m, n, k, alpha, (double[]) a, aOff, (double[]) b, bOff, beta,
                    (double[]) c, cOff);
        } else {
            FloatKernels.gemm(transA, transB, m, n, k, (float) alpha, (float[]) a, aOff, (float[]) b, bOff,
                    (float) beta, (float[]) c, cOff);
        }
    }

    public static void axpby(double alpha, Tensor x, double beta, Tensor y) {
        if (x.dtype() == DType.FLOAT64) {
            DoubleKernels.axpby(x.size(), alpha, (double[]) x.storage(), 0, beta, (double[]) y.storage(), 0);
        } else {
            FloatKernels.axpby(x.size(), (float) alpha, (float[]) x.storage(), 0, (float) beta, (float[]) y.storage(), 0);
        }
    }

    public static void adamStep(AdamStep s, Tensor w, Tensor g, Tensor m, Tensor v, Tensor vMax) {
        int n = w.size();
        if (w.dtype() == DType.FLOAT64) {
            DoubleKernels.adamStep(n, (double[]) w.storage(), (double[]) g.storage(), (double[]) m.storage(),
                    (double[]) v.storage(), vMax == null ? null : (double[]) vMax.storage(), s.decoupled(), s.decay(),
                    s.l2(), s.beta1(), s.oneMinusBeta1(), s.beta2(), s.oneMinusBeta2(), s.amsgrad(), s.epsInside(),
                    s.denScale(), s.eps(), s.stepSize());
        } else {
            FloatKernels.adamStep(n, (float[]) w.storage(), (float[]) g.storage(), (float[]) m.storage(),
                    (float[]) v.storage(), vMax == null ? null : (float[]) vMax.storage(), s.decoupled(),
                    (float) s.decay(), (float) s.l2(), (float) s.beta1(), (float) s.oneMinusBeta1(), (float) s.beta2(),
                    (float) s.oneMinusBeta2(), s.amsgrad(), s.epsInside(), (float) s.denScale(), (float) s.eps(),
                    (float) s.stepSize());
        }
    }

    public static void permute(Tensor x, int[] axes, Tensor out) {
        int rank = axes.length;
        int[] xStrides = x.shape().strides();
        int[] outDims = out.shape().dims();
        // The longest suffix of axes kept in place is copied as contiguous runs.
        int keep = 0;
        while (keep < rank && axes[rank - 1 - keep] == rank - 1 - keep) keep++;
        int run = x.shape().sizeOf(rank - keep, rank);
        int[] outer = java.util.Arrays.copyOf(outDims, rank - keep);
        int[] strides = new int[rank - keep];
        for (int i = 0; i < rank - keep; i++) strides[i] = xStrides[axes[i]];
        Object src = x.storage() == out.storage() ? copy(x.storage()) : x.storage();
        Strided.copyRuns(src, Strided.offsets(outer, strides, 0), run, out.storage(), 0);
    }

    /** {@code out} = elements {@code start, start + step, ...} of {@code x} along {@code axis}. */
    public static void slice(Tensor x, int axis, int start, int step, Tensor out) {
        Shape s = x.shape();
        int inner = s.sizeOf(axis + 1, s.rank());
        int count = out.shape().dim(axis);
        int axisStride = s.dim(axis) * inner;
        int outer = s.sizeOf(0, axis);
        Object src = x.storage() == out.storage() ? copy(x.storage()) : x.storage();
        int[] offsets;
        int run;
        if (step == 1) {
            offsets = Strided.offsets(new int[] {outer}, new int[] {axisStride}, start * inner);
            run = count * inner;
        } else {
            offsets = Strided.offsets(new int[] {outer, count}, new int[] {axisStride, step * inner}, start * inner);
            run = inner;
        }
        Strided.copyRuns(src, offsets, run, out.storage(), 0);
    }

    public static void concat(List<Tensor> parts, int axis, Tensor out) {
        Shape os = out.shape();
        int outer = os.sizeOf(0, axis);
        int inner = os.sizeOf(axis + 1, os.rank());
        int outRow = os.dim(axis) * inner;
        int at = 0;
        for (Tensor part : parts) {
            int run = part.shape().dim(axis) * inner;
            Object src = part.storage() == out.storage() ? copy(part.storage()) : part.storage();
            for (int o = 0; o < outer; o++) System.arraycopy(src, o * run, out.storage(), o * outRow + at, run);
            at += run;
        }
    }

    public static void broadcastTo(Tensor x, Tensor out) {
        if (x.shape().equals(out.shape())) {
            convert(x, out);
            return;
        }
        BroadcastPlan plan = BroadcastPlan.of(out.shape(), x.shape());
        int len = plan.rowLen;
        if (plan.innerStride[0] == 1) {
            Strided.copyRuns(x.storage(), plan.offsets[0], len, out.storage(), 0);
        } else {
            // The row repeats one element: fill each row.
            Object src = x.storage(), dst = out.storage();
            int[] off = plan.offsets[0];
            for (int r = 0; r < plan.rows; r++) {
                int from = r * len;
                switch (x.dtype()) {
                    case FLOAT64 -> java.util.Arrays.fill((double[]) dst, from, from + len, ((double[]) src)[off[r]]);
                    case FLOAT32 -> java.util.Arrays.fill((float[]) dst, from, from + len, ((float[]) src)[off[r]]);
                    case INT32 -> java.util.Arrays.fill((int[]) dst, from, from + len, ((int[]) src)[off[r]]);
                }
            }
        }
    }

    /** {@code out} = the slices {@code index[0], index[1], ...} of {@code x} along {@code axis}. */
    public static void indexSelect(Tensor x, int axis, Tensor index, Tensor out) {
        Shape s = x.shape();
        int inner = s.sizeOf(axis + 1, s.rank());
        int[] offsets = selectOffsets(s, axis, (int[]) index.storage());
        Object src = x.storage() == out.storage() ? copy(x.storage()) : x.storage();
        Strided.copyRuns(src, offsets, inner, out.storage(), 0);
    }

    /** {@code out[..., index[r], ...] += source[..., r, ...]} along {@code axis}, accumulating repeated indices. */
    public static void indexAdd(Tensor out, int axis, Tensor index, Tensor source) {
        Shape s = out.shape();
        int inner = s.sizeOf(axis + 1, s.rank());
        int[] offsets = selectOffsets(s, axis, (int[]) index.storage());
        addRuns(source, offsets, inner, out);
    }

    /** torch.gather: {@code out[i...] = x[i with axis replaced by index[i...]]}; out has index's shape. */
    public static void gather(Tensor x, int axis, Tensor index, Tensor out) {
        int[] offsets = gatherOffsets(x.shape(), axis, index);
        Object src = x.storage() == out.storage() ? copy(x.storage()) : x.storage();
        Strided.copyRuns(src, offsets, 1, out.storage(), 0);
    }

    /** torch.scatter_add: {@code out[i with axis replaced by index[i...]] += source[i...]}. */
    public static void scatterAdd(Tensor out, int axis, Tensor index, Tensor source) {
        addRuns(source, gatherOffsets(out.shape(), axis, index), 1, out);
    }

    private static int[] selectOffsets(Shape s, int axis, int[] idx) {
        int outer = s.sizeOf(0, axis), dim = s.dim(axis), inner = s.sizeOf(axis + 1, s.rank());
        int[] offsets = new int[outer * idx.length];
        for (int o = 0, r = 0; o < outer; o++) {
            for (int i : idx) offsets[r++] = (o * dim + i) * inner;
        }
        return offsets;
    }

    private static int[] gatherOffsets(Shape target, int axis, Tensor index) {
        Shape is = index.shape();
        int[] idx = (int[]) index.storage();
        int[] tStrides = target.strides();
        int[] offsets = Strided.offsets(is.dims(), withZero(tStrides, axis), 0);
        for (int r = 0; r < offsets.length; r++) offsets[r] += idx[r] * tStrides[axis];
        return offsets;
    }

    private static int[] withZero(int[] strides, int axis) {
        int[] s = strides.clone();
        s[axis] = 0;
        return s;
    }

    private static void addRuns(Tensor source, int[] offsets, int run, Tensor out) {
        Object src = source.storage() == out.storage() ? copy(source.storage()) : source.storage();
        if (out.dtype() == DType.FLOAT64) DoubleKernels.addRuns((double[]) src, offsets, run, (double[]) out.storage());
        else FloatKernels.addRuns((float[]) src, offsets, run, (float[]) out.storage());
    }

    private static Object copy(Object array) {
        if (array instanceof double[] d) return d.clone();
        if (array instanceof float[] f) return f.clone();
        return ((int[]) array).clone();
    }
}
