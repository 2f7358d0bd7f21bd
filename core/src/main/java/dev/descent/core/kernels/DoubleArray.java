package dev.descent.core.kernels;

import dev.descent.core.DType;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ElementwiseProgram;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.UnaryOp;
import dev.descent.core.spi.Window;

import java.nio.Buffer;
import java.nio.DoubleBuffer;

// float32 twin: FloatArray
/**
 * FLOAT64 storage on the JVM heap: a {@code double[]} of exactly {@link #size()} elements, with its arithmetic on
 * the loops of {@link DoubleKernels}. This file is a float64 template: the build generates its float32 twin
 * (build-tools' {@code Float32Generator}); a {@code double} marked {@link Float64Only} stays 64-bit there.
 */
public final class DoubleArray extends FloatingArray {
    final double[] data;

    DoubleArray(double[] data) {
        this.data = data;
    }

    /** The array itself, for a backend's library calls; writing to it changes the tensors that hold this storage. */
    public double[] data() {
        return data;
    }

    @Override
    public DType dtype() {
        return DType.FLOAT64;
    }

    @Override
    public int size() {
        return data.length;
    }

    @Override
    Object array() {
        return data;
    }

    @Override
    ArrayStorage copy() {
        return new DoubleArray(data.clone());
    }

    @Override
    void read(int offset, Buffer dst) {
        ((DoubleBuffer) dst).put(data, offset, dst.remaining());
    }

    @Override
    void write(Buffer src, int offset) {
        ((DoubleBuffer) src).get(data, offset, src.remaining());
    }

    @Override
    @Float64Only double get(int index) {
        return data[index];
    }

    @Override
    void fill(@Float64Only double value) {
        java.util.Arrays.fill(data, (double) value);
    }

    @Override
    void copyShortRuns(ArrayStorage src, int[] srcOffsets, int run, int dstStart) {
        double[] s = ((DoubleArray) src).data;
        for (int r = 0; r < srcOffsets.length; r++) {
            for (int j = 0, o = srcOffsets[r], t = dstStart + r * run; j < run; j++) data[t + j] = s[o + j];
        }
    }

    @Override
    void fillRows(ArrayStorage src, int[] srcOffsets, int len) {
        double[] s = ((DoubleArray) src).data;
        for (int r = 0; r < srcOffsets.length; r++) java.util.Arrays.fill(data, r * len, r * len + len, s[srcOffsets[r]]);
    }

    @Override
    void map(UnaryOp op, FloatingArray x, @Float64Only double p, @Float64Only double q) {
        double[] src = ((DoubleArray) x).data;
        double pp = (double) p, qq = (double) q;
        Parallel.forRange(data.length, 1, (from, to) -> DoubleKernels.map(op, src, data, from, to, pp, qq));
    }

    @Override
    void zipRows(BinaryOp op, FloatingArray a, int[] aOffsets, int aRowStep, int sa,
                 FloatingArray b, int[] bOffsets, int bRowStep, int sb, int rows, int len) {
        double[] x = ((DoubleArray) a).data, y = ((DoubleArray) b).data;
        if (rows == 1) {
            // one row (operands of out's shape or single elements): split along it
            int ia = aOffsets == null ? 0 : aOffsets[0], ib = bOffsets == null ? 0 : bOffsets[0];
            Parallel.forRange(len, 1, (from, to) ->
                    DoubleKernels.zip(op, x, ia + from * sa, sa, y, ib + from * sb, sb, data, from, to - from));
        } else if (aOffsets == null && bOffsets == null && sa == 1 && sb == 1
                && (aRowStep == 0) != (bRowStep == 0) && aRowStep + bRowStep == len) {
            // one operand is a row repeated for every row of the other (a bias row)
            boolean rowFirst = aRowStep == 0;
            Parallel.forRange(rows, len, (r0, r1) ->
                    DoubleKernels.zipRepeatedRow(op, rowFirst ? y : x, rowFirst ? x : y, rowFirst, data, r0, r1, len));
        } else {
            Parallel.forRange(rows, len, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    int ia = aOffsets == null ? r * aRowStep : aOffsets[r], ib = bOffsets == null ? r * bRowStep : bOffsets[r];
                    DoubleKernels.zip(op, x, ia, sa, y, ib, sb, data, r * len, len);
                }
            });
        }
    }

    @Override
    void whereRows(FloatingArray cond, FloatingArray a, FloatingArray b, BroadcastPlan plan) {
        double[] c = ((DoubleArray) cond).data, x = ((DoubleArray) a).data, y = ((DoubleArray) b).data;
        int[] oc = plan.offsets[0], oa = plan.offsets[1], ob = plan.offsets[2];
        int sc = plan.innerStride[0], sa = plan.innerStride[1], sb = plan.innerStride[2], len = plan.rowLen;
        for (int r = 0; r < plan.rows; r++) DoubleKernels.where(c, oc[r], sc, x, oa[r], sa, y, ob[r], sb, data, r * len, len);
    }

    @Override
    void reduce(ReduceOp op, FloatingArray out, int outer, int n, int inner) {
        double[] o = ((DoubleArray) out).data;
        if (outer == 1 && Parallel.blocks((long) n * inner) > 1) {
            DoubleKernels.reduceBlocked(op, data, o, n, inner);
        } else {
            Parallel.forRange(outer, n * inner, (o0, o1) ->
                    DoubleKernels.reduce(op, data, o0 * n * inner, o, o0 * inner, o1 - o0, n, inner));
        }
    }

    @Override
    void argReduce(ReduceOp op, IntArray out, int outer, int n, int inner) {
        DoubleKernels.argReduce(op, data, out.data, outer, n, inner);
    }

    @Override
    void gemm(ArrayBackend backend, boolean transA, boolean transB, int m, int n, int k, @Float64Only double alpha,
              FloatingArray a, int aOffset, FloatingArray b, int bOffset, @Float64Only double beta, int cOffset) {
        backend.gemm(transA, transB, m, n, k, (double) alpha, ((DoubleArray) a).data, aOffset,
                ((DoubleArray) b).data, bOffset, (double) beta, data, cOffset);
    }

    @Override
    void axpby(@Float64Only double alpha, FloatingArray x, @Float64Only double beta) {
        double[] src = ((DoubleArray) x).data;
        double a = (double) alpha, b = (double) beta;
        Parallel.forRange(data.length, 1, (from, to) -> DoubleKernels.axpby(from, to, a, src, b, data));
    }

    @Override
    void addRuns(FloatingArray src, int[] offsets, int run) {
        DoubleKernels.addRuns(((DoubleArray) src).data, offsets, run, data);
    }

    @Override
    void scatterAddRows(FloatingArray src, int[] index, int rows, int k, int cols) {
        double[] s = ((DoubleArray) src).data;
        Parallel.forRange(rows, k, (r0, r1) -> DoubleKernels.scatterAddRows(s, index, r0, r1, k, cols, data));
    }

    @Override
    void channelMoments(int outer, int channels, int inner, @Float64Only double[] mean, @Float64Only double[] variance) {
        Parallel.forRange(channels, outer * inner, (c0, c1) ->
                DoubleChannels.moments(data, outer, channels, inner, mean, variance, c0, c1));
    }

    @Override
    void channelSums(FloatingArray b, int outer, int channels, int inner, @Float64Only double[] center,
                     @Float64Only double[] sumA, @Float64Only double[] sumAB) {
        double[] y = ((DoubleArray) b).data;
        Parallel.forRange(channels, outer * inner, (c0, c1) ->
                DoubleChannels.sums(data, y, outer, channels, inner, center, sumA, sumAB, c0, c1));
    }

    @Override
    void channelAffine(FloatingArray a, @Float64Only double[] p, FloatingArray x, @Float64Only double[] center,
                       @Float64Only double[] q, @Float64Only double[] r, int outer, int channels, int inner) {
        double[] u = a == null ? null : ((DoubleArray) a).data, v = ((DoubleArray) x).data;
        Parallel.forRange(outer * channels, inner, (k0, k1) ->
                DoubleChannels.affine(u, p, v, center, q, r, data, channels, inner, k0, k1));
    }

    @Override
    void step(ElementwiseProgram.Step step, FloatingArray[] buffers, int from, int len) {
        if (step instanceof ElementwiseProgram.Map s) {
            DoubleKernels.map(s.op(), ((DoubleArray) buffers[s.x()]).data, data, from, from + len, (double) s.p(),
                    (double) s.q());
        } else if (step instanceof ElementwiseProgram.Zip s) {
            DoubleKernels.zip(s.op(), ((DoubleArray) buffers[s.a()]).data, from, 1, ((DoubleArray) buffers[s.b()]).data,
                    from, 1, data, from, len);
        } else if (step instanceof ElementwiseProgram.Axpby s) {
            DoubleKernels.axpby(from, from + len, (double) s.alpha(), ((DoubleArray) buffers[s.x()]).data,
                    (double) s.beta(), data);
        }
    }

    @Override
    void im2col(int offset, Window window, int images, FloatingArray col) {
        DoubleWindows.im2col(data, offset, window, images, ((DoubleArray) col).data);
    }

    @Override
    void col2im(FloatingArray col, Window window, int images, int offset) {
        DoubleWindows.col2im(((DoubleArray) col).data, window, images, data, offset);
    }

    @Override
    void maxPool(Window window, FloatingArray out, IntArray argmax) {
        DoubleWindows.maxPool(data, window, ((DoubleArray) out).data, argmax.data);
    }

    @Override
    void avgPool(Window window, boolean countIncludePad, FloatingArray out) {
        DoubleWindows.avgPool(data, window, countIncludePad, ((DoubleArray) out).data);
    }

    @Override
    void avgPoolAdjoint(Window window, boolean countIncludePad, FloatingArray gradInput) {
        DoubleWindows.avgPoolAdjoint(data, window, countIncludePad, ((DoubleArray) gradInput).data);
    }
}
