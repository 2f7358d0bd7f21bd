package dev.descent.core.kernels;

import dev.descent.core.DType;
import dev.descent.core.Shape;
import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ChannelKernels;
import dev.descent.core.spi.ElementwiseProgram;
import dev.descent.core.spi.FusedElementwise;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.UnaryOp;
import dev.descent.core.spi.Window;

import java.nio.Buffer;
import java.util.List;

/**
 * The reference implementation of every {@link Backend} kernel, on JVM arrays ({@link ArrayStorage}): the
 * broadcasting, reduction and movement algorithms live here once, and the element loops in {@link DoubleKernels}
 * and its generated float32 twin, chosen by the storage's class. A backend on JVM arrays extends this class and
 * overrides what its library does better, above all the two typed {@code gemm} hooks.
 *
 * <p>Also {@link FusedElementwise}: a program runs chunk by chunk, 512 elements at a time through every step
 * (a few buffers of a chunk stay in the L1 cache), with the same loops as the single kernels, so the same values
 * bit for bit, and one pass over memory.
 *
 * <p>Also {@link ChannelKernels}: per-channel statistics in one pass, accumulated in 64 bits
 * ({@link DoubleChannels} and its float32 twin).
 *
 * <p>Instances of one class are interchangeable (stateless, one storage format), so they are {@link #equals equal}.
 * Every kernel is alias-safe: an output may be an input.
 */
public abstract class ArrayBackend implements Backend, FusedElementwise, ChannelKernels {
    /** Elements per chunk of a fused program. */
    static final int CHUNK = 512;

    protected ArrayBackend() {
    }

    /** {@code C = alpha op(A) op(B) + beta C} on float64 arrays; C is never A or B (core copies an aliased input). */
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, double[] a, int aOffset,
                        double[] b, int bOffset, double beta, double[] c, int cOffset) {
        DoubleKernels.gemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    /** The float32 GEMM hook, as the float64 one. */
    protected void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOffset,
                        float[] b, int bOffset, float beta, float[] c, int cOffset) {
        FloatKernels.gemm(transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return getClass().hashCode();
    }

    @Override
    public String toString() {
        return name();
    }

    // ---------------------------------------------------------------- storage

    /** The one place a dtype picks its storage class, and with it every loop that runs on it. */
    @Override
    public Storage allocate(DType dtype, int size) {
        return switch (dtype) {
            case FLOAT64 -> new DoubleArray(new double[size]);
            case FLOAT32 -> new FloatArray(new float[size]);
            case INT32 -> new IntArray(new int[size]);
        };
    }

    private static ArrayStorage arr(Storage s) {
        return (ArrayStorage) s;
    }

    private static FloatingArray num(Storage s) {
        return (FloatingArray) s;
    }

    @Override
    public void read(Storage src, int offset, Buffer dst) {
        arr(src).read(offset, dst);
    }

    @Override
    public void write(Buffer src, Storage dst, int offset) {
        arr(dst).write(src, offset);
    }

    @Override
    public double get(Storage src, int index) {
        return arr(src).get(index);
    }

    @Override
    public void fill(Storage out, double value) {
        arr(out).fill(value);
    }

    /** Copies {@code x} into {@code out}, converting the dtype; float to int truncates toward 0. */
    @Override
    public void convert(Storage x, Storage out) {
        Object s = arr(x).array(), d = arr(out).array();
        int n = x.size();
        if (x.dtype() == out.dtype()) {
            if (s != d) System.arraycopy(s, 0, d, 0, n);
        } else if (s instanceof double[] v) {
            if (d instanceof float[] f) for (int i = 0; i < n; i++) f[i] = (float) v[i];
            else { int[] t = (int[]) d; for (int i = 0; i < n; i++) t[i] = (int) v[i]; }
        } else if (s instanceof float[] v) {
            if (d instanceof double[] f) for (int i = 0; i < n; i++) f[i] = v[i];
            else { int[] t = (int[]) d; for (int i = 0; i < n; i++) t[i] = (int) v[i]; }
        } else {
            int[] v = (int[]) s;
            if (d instanceof double[] f) for (int i = 0; i < n; i++) f[i] = v[i];
            else { float[] t = (float[]) d; for (int i = 0; i < n; i++) t[i] = v[i]; }
        }
    }

    // ---------------------------------------------------------------- arithmetic

    @Override
    public void map(UnaryOp op, Storage x, double p, double q, Storage out) {
        num(out).map(op, num(x), p, q);
    }

    @Override
    public void zip(BinaryOp op, Storage a, Shape aShape, Storage b, Shape bShape, Storage out, Shape outShape) {
        FloatingArray x = num(a), y = num(b), o = num(out);
        // NOTE: the common cases need no broadcast plan: each operand has out's shape or is a single element.
        boolean aFits = a.size() == 1 || aShape.equals(outShape);
        boolean bFits = b.size() == 1 || bShape.equals(outShape);
        if (aFits && bFits) {
            o.zipRows(op, x, null, 0, a.size() == 1 ? 0 : 1, y, null, 0, b.size() == 1 ? 0 : 1, 1, out.size());
            return;
        }
        // NOTE: an operand whose shape is a suffix of out's (a bias row added to every row) repeats along the rows.
        if ((aFits && a.size() > 1 && isSuffix(bShape, outShape)) || (bFits && b.size() > 1 && isSuffix(aShape, outShape))) {
            boolean aRepeats = !aFits || a.size() == 1 && !bFits;
            int len = aRepeats ? a.size() : b.size(), rows = len == 0 ? 0 : out.size() / len;
            o.zipRows(op, x, null, aRepeats ? 0 : len, 1, y, null, aRepeats ? len : 0, 1, rows, len);
            return;
        }
        // Rows are written in order and each reads its own input positions first, so out may alias a same-shaped
        // input (an input aliased with out has out's shape, hence is not broadcast).
        BroadcastPlan plan = BroadcastPlan.of(outShape, aShape, bShape);
        o.zipRows(op, x, plan.offsets[0], 0, plan.innerStride[0], y, plan.offsets[1], 0, plan.innerStride[1],
                plan.rows, plan.rowLen);
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

    @Override
    public void where(Storage cond, Shape condShape, Storage a, Shape aShape, Storage b, Shape bShape, Storage out,
                      Shape outShape) {
        num(out).whereRows(num(cond), num(a), num(b), BroadcastPlan.of(outShape, condShape, aShape, bShape));
    }

    @Override
    public void reduce(ReduceOp op, Storage x, Shape xShape, int axis, Storage out) {
        int outer = xShape.sizeOf(0, axis), n = xShape.dim(axis), inner = xShape.sizeOf(axis + 1, xShape.rank());
        FloatingArray src = x == out ? (FloatingArray) arr(x).copy() : num(x);
        if (op.isArg()) src.argReduce(op, (IntArray) out, outer, n, inner);
        else src.reduce(op, num(out), outer, n, inner);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha, Storage a, int aOffset,
                     Storage b, int bOffset, double beta, Storage c, int cOffset) {
        FloatingArray x = a == c ? (FloatingArray) arr(a).copy() : num(a);
        FloatingArray y = b == c ? (FloatingArray) arr(b).copy() : num(b);
        num(c).gemm(this, transA, transB, m, n, k, alpha, x, aOffset, y, bOffset, beta, cOffset);
    }

    @Override
    public void withGemmOperand(Storage operand, Runnable body) {
        withGemmOperand(arr(operand).array(), body);
    }

    /**
     * {@link #withGemmOperand(Storage, Runnable)} on the operand's array (a {@code double[]} or {@code float[]}): a
     * backend whose {@link #gemm} copies its operands may copy this one once. Core's GEMM reads the arrays in place,
     * so by default this runs {@code body}.
     */
    protected void withGemmOperand(Object array, Runnable body) {
        body.run();
    }

    @Override
    public void axpby(double alpha, Storage x, double beta, Storage y) {
        num(y).axpby(alpha, num(x), beta);
    }

    @Override
    public void run(ElementwiseProgram program, Storage[] buffers) {
        FloatingArray[] b = new FloatingArray[buffers.length];
        for (int i = 0; i < b.length; i++) b[i] = num(buffers[i]);
        ElementwiseProgram.Step[] steps = program.steps().toArray(new ElementwiseProgram.Step[0]);
        int n = b.length == 0 ? 0 : b[0].size();
        for (int from = 0; from < n; from += CHUNK) {
            int len = Math.min(CHUNK, n - from);
            for (ElementwiseProgram.Step step : steps) b[step.output()].step(step, b, from, len);
        }
    }

    // ---------------------------------------------------------------- per-channel statistics

    @Override
    public void channelMoments(Storage x, int outer, int channels, int inner, double[] mean, double[] variance) {
        num(x).channelMoments(outer, channels, inner, mean, variance);
    }

    @Override
    public void channelSums(Storage a, Storage b, int outer, int channels, int inner, double[] center, double[] sumA,
                            double[] sumAB) {
        num(a).channelSums(num(b), outer, channels, inner, center, sumA, sumAB);
    }

    @Override
    public void channelAffine(Storage a, double[] p, Storage x, double[] center, double[] q, double[] r, int outer,
                              int channels, int inner, Storage out) {
        num(out).channelAffine(a == null ? null : num(a), p, num(x), center, q, r, outer, channels, inner);
    }

    // ---------------------------------------------------------------- movement

    /** Storage {@code x} itself, or a copy when the kernel's output is {@code x} (movement reads out of order). */
    private static ArrayStorage source(Storage x, Storage out) {
        return x == out ? arr(x).copy() : arr(x);
    }

    @Override
    public void permute(Storage x, Shape xShape, int[] axes, Storage out) {
        int rank = axes.length;
        int[] xStrides = xShape.strides();
        // The longest suffix of axes kept in place is copied as contiguous runs.
        int keep = 0;
        while (keep < rank && axes[rank - 1 - keep] == rank - 1 - keep) keep++;
        int run = xShape.sizeOf(rank - keep, rank);
        int[] outer = new int[rank - keep];
        int[] strides = new int[rank - keep];
        for (int i = 0; i < rank - keep; i++) {
            outer[i] = xShape.dim(axes[i]);
            strides[i] = xStrides[axes[i]];
        }
        arr(out).copyRuns(source(x, out), Strided.offsets(outer, strides, 0), run, 0);
    }

    @Override
    public void slice(Storage x, Shape xShape, int axis, int start, int step, int count, Storage out) {
        int inner = xShape.sizeOf(axis + 1, xShape.rank());
        int axisStride = xShape.dim(axis) * inner;
        int outer = xShape.sizeOf(0, axis);
        int[] offsets;
        int run;
        if (step == 1) {
            offsets = Strided.offsets(new int[] {outer}, new int[] {axisStride}, start * inner);
            run = count * inner;
        } else {
            offsets = Strided.offsets(new int[] {outer, count}, new int[] {axisStride, step * inner}, start * inner);
            run = inner;
        }
        arr(out).copyRuns(source(x, out), offsets, run, 0);
    }

    @Override
    public void concat(List<Storage> parts, List<Shape> shapes, int axis, Storage out, Shape outShape) {
        int outer = outShape.sizeOf(0, axis);
        int inner = outShape.sizeOf(axis + 1, outShape.rank());
        int outRow = outShape.dim(axis) * inner;
        int at = 0;
        for (int p = 0; p < parts.size(); p++) {
            int run = shapes.get(p).dim(axis) * inner;
            Object src = source(parts.get(p), out).array(), dst = arr(out).array();
            for (int o = 0; o < outer; o++) System.arraycopy(src, o * run, dst, o * outRow + at, run);
            at += run;
        }
    }

    @Override
    public void broadcastTo(Storage x, Shape xShape, Storage out, Shape outShape) {
        if (xShape.equals(outShape)) {
            convert(x, out);
            return;
        }
        BroadcastPlan plan = BroadcastPlan.of(outShape, xShape);
        if (plan.innerStride[0] == 1) arr(out).copyRuns(arr(x), plan.offsets[0], plan.rowLen, 0);
        else arr(out).fillRows(arr(x), plan.offsets[0], plan.rowLen); // each row repeats one element
    }

    @Override
    public void indexSelect(Storage x, Shape xShape, int axis, Storage index, Storage out) {
        int inner = xShape.sizeOf(axis + 1, xShape.rank());
        arr(out).copyRuns(source(x, out), selectOffsets(xShape, axis, ((IntArray) index).data), inner, 0);
    }

    @Override
    public void indexAdd(Storage out, Shape outShape, int axis, Storage index, Storage source) {
        int inner = outShape.sizeOf(axis + 1, outShape.rank());
        addRuns(source, selectOffsets(outShape, axis, ((IntArray) index).data), inner, out);
    }

    @Override
    public void gather(Storage x, Shape xShape, int axis, Storage index, Shape indexShape, Storage out) {
        arr(out).copyRuns(source(x, out), gatherOffsets(xShape, axis, (IntArray) index, indexShape), 1, 0);
    }

    @Override
    public void scatterAdd(Storage out, Shape outShape, int axis, Storage index, Shape indexShape, Storage source) {
        int last = outShape.rank() - 1;
        if (axis == last && outShape.sizeOf(0, last) == indexShape.sizeOf(0, last) && sameLeading(outShape, indexShape)) {
            // NOTE: along the last axis with matching leading axes (max pooling's gradient) row r of the index
            // addresses row r of out: no table of offsets, which would be as large as the index.
            num(out).scatterAddRows((FloatingArray) source(source, out), ((IntArray) index).data,
                    indexShape.sizeOf(0, last), indexShape.dim(last), outShape.dim(last));
            return;
        }
        addRuns(source, gatherOffsets(outShape, axis, (IntArray) index, indexShape), 1, out);
    }

    /** Whether the two shapes of one rank agree on every axis but the last. */
    private static boolean sameLeading(Shape a, Shape b) {
        for (int i = 0; i < a.rank() - 1; i++) if (a.dim(i) != b.dim(i)) return false;
        return true;
    }

    private static int[] selectOffsets(Shape s, int axis, int[] idx) {
        int outer = s.sizeOf(0, axis), dim = s.dim(axis), inner = s.sizeOf(axis + 1, s.rank());
        int[] offsets = new int[outer * idx.length];
        for (int o = 0, r = 0; o < outer; o++) {
            for (int i : idx) offsets[r++] = (o * dim + i) * inner;
        }
        return offsets;
    }

    private static int[] gatherOffsets(Shape target, int axis, IntArray index, Shape indexShape) {
        int[] idx = index.data;
        int[] tStrides = target.strides();
        int[] zeroed = tStrides.clone();
        zeroed[axis] = 0;
        int[] offsets = Strided.offsets(indexShape.dims(), zeroed, 0);
        for (int r = 0; r < offsets.length; r++) offsets[r] += idx[r] * tStrides[axis];
        return offsets;
    }

    private static void addRuns(Storage source, int[] offsets, int run, Storage out) {
        num(out).addRuns((FloatingArray) source(source, out), offsets, run);
    }

    // ---------------------------------------------------------------- sliding windows

    @Override
    public void im2col(Storage x, int xOffset, Window window, int images, Storage col) {
        ((FloatingArray) source(x, col)).im2col(xOffset, window, images, num(col));
    }

    @Override
    public void col2im(Storage col, Window window, int images, Storage x, int xOffset) {
        num(x).col2im((FloatingArray) source(col, x), window, images, xOffset);
    }

    @Override
    public void maxPool(Storage x, Window window, Storage out, Storage argmax) {
        ((FloatingArray) source(x, out)).maxPool(window, num(out), (IntArray) argmax);
    }

    @Override
    public void avgPool(Storage x, Window window, boolean countIncludePad, Storage out) {
        ((FloatingArray) source(x, out)).avgPool(window, countIncludePad, num(out));
    }

    @Override
    public void avgPoolAdjoint(Storage grad, Window window, boolean countIncludePad, Storage gradInput) {
        ((FloatingArray) source(grad, gradInput)).avgPoolAdjoint(window, countIncludePad, num(gradInput));
    }
}
