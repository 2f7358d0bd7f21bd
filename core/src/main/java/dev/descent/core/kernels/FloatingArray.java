package dev.descent.core.kernels;

import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.ElementwiseProgram;
import dev.descent.core.spi.ReduceOp;
import dev.descent.core.spi.UnaryOp;
import dev.descent.core.spi.Window;

/**
 * The arithmetic of a floating heap storage: {@link DoubleArray} and its generated float32 twin {@code FloatArray}
 * implement it with the loops of {@link DoubleKernels} and {@code FloatKernels}. Each method writes into
 * {@code this} (or, for reductions, reads {@code this}); operands are storages of the same class.
 */
abstract class FloatingArray extends ArrayStorage {
    FloatingArray() {
    }

    /** {@code this = op(x)}. */
    abstract void map(UnaryOp op, FloatingArray x, double p, double q);

    /**
     * {@code rows} rows of {@code len} elements of {@code this = op(a, b)}: row {@code r} of an operand starts at
     * {@code offsets[r]}, or at {@code r * rowStep} when its offsets are null, and moves by its inner stride (1 or 0).
     */
    abstract void zipRows(BinaryOp op, FloatingArray a, int[] aOffsets, int aRowStep, int sa,
                          FloatingArray b, int[] bOffsets, int bRowStep, int sb, int rows, int len);

    /** {@code this = cond != 0 ? a : b} row by row along a broadcast plan. */
    abstract void whereRows(FloatingArray cond, FloatingArray a, FloatingArray b, BroadcastPlan plan);

    /** {@code out = reduce(this)} over the middle axis of {@code (outer, n, inner)}. */
    abstract void reduce(ReduceOp op, FloatingArray out, int outer, int n, int inner);

    /** {@code out = argReduce(this)} over the middle axis of {@code (outer, n, inner)}. */
    abstract void argReduce(ReduceOp op, IntArray out, int outer, int n, int inner);

    /** {@code this = alpha * op(a) op(b) + beta * this} through {@code backend}'s typed GEMM. */
    abstract void gemm(ArrayBackend backend, boolean transA, boolean transB, int m, int n, int k, double alpha,
                       FloatingArray a, int aOffset, FloatingArray b, int bOffset, double beta, int cOffset);

    /** {@code this = alpha * x + beta * this}. */
    abstract void axpby(double alpha, FloatingArray x, double beta);

    /** {@code this[offsets[r] + j] += src[r * run + j]}. */
    abstract void addRuns(FloatingArray src, int[] offsets, int run);

    /** {@code this[r * cols + index[r * k + j]] += src[r * k + j]} for {@code r < rows}, {@code j < k}. */
    abstract void scatterAddRows(FloatingArray src, int[] index, int rows, int k, int cols);

    /** Per-channel mean and biased variance of {@code this} viewed as {@code (outer, channels, inner)}. */
    abstract void channelMoments(int outer, int channels, int inner, double[] mean, double[] variance);

    /** Per-channel {@code sum this} and {@code sum this (b - center[c])}. */
    abstract void channelSums(FloatingArray b, int outer, int channels, int inner, double[] center, double[] sumA,
                              double[] sumAB);

    /** {@code this = p[c] a + q[c] (x - center[c]) + r[c]} ({@code a} may be null: no first term). */
    abstract void channelAffine(FloatingArray a, double[] p, FloatingArray x, double[] center, double[] q, double[] r,
                                int outer, int channels, int inner);

    /** One step of a program over elements {@code [from, from + len)}; {@code this} is the step's output. */
    abstract void step(ElementwiseProgram.Step step, FloatingArray[] buffers, int from, int len);

    /** im2col of {@code images} images of {@code this} from {@code offset} into {@code col} from 0. */
    abstract void im2col(int offset, Window window, int images, FloatingArray col);

    /** col2im of {@code col} into {@code images} images of {@code this} from {@code offset} (overwritten). */
    abstract void col2im(FloatingArray col, Window window, int images, int offset);

    /** Max pooling of {@code this} into {@code out} and {@code argmax}. */
    abstract void maxPool(Window window, FloatingArray out, IntArray argmax);

    /** Average pooling of {@code this} into {@code out}. */
    abstract void avgPool(Window window, boolean countIncludePad, FloatingArray out);

    /** The adjoint of average pooling of {@code this} (the gradient) into {@code gradInput}. */
    abstract void avgPoolAdjoint(Window window, boolean countIncludePad, FloatingArray gradInput);
}
