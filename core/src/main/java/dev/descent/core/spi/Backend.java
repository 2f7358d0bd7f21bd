package dev.descent.core.spi;

import dev.descent.core.DType;
import dev.descent.core.Tensor;
import dev.descent.core.kernels.Kernels;

import java.util.List;

/**
 * The narrow set of primitive kernels a compute backend provides; the rich {@link Tensor} API is built once in
 * core on top of it.
 *
 * <p>Storage is a Java primitive array ({@code float[]}, {@code double[]} or {@code int[]}) of exactly
 * {@code shape.size()} elements in row-major order, reached through {@link Tensor#storage()}. Every kernel has a
 * shared default implementation in {@link Kernels}, so a backend is complete once it names itself; a backend
 * overrides what its library does better (GEMM above all).
 *
 * <p>Contract for every kernel: core has already checked shapes, dtypes, axes and indices, so kernels do not
 * validate; outputs are written, never reallocated; an output may share storage with an input (kernels are
 * alias-safe). Kernels are called from any thread and must be stateless.
 *
 * <pre>{@code
 * public final class MyBackend implements Backend {
 *     public String name() { return "mine"; }
 *     public void gemm(...) { ... }   // optional: everything else has a default
 * }
 * }</pre>
 */
public interface Backend {

    /** A short, lower-case, unique name such as {@code "ejml"} or {@code "jblas"}. */
    String name();

    /** A new zero-filled storage array of {@code size} elements. */
    default Object allocate(DType dtype, int size) {
        return dtype.newArray(size);
    }

    /** Sets every element of {@code out} to {@code value} (converted to its dtype). */
    default void fill(Tensor out, double value) {
        Kernels.fill(out, value);
    }

    /** Copies {@code x} into {@code out} of the same shape, converting the dtype (float to INT32 truncates). */
    default void convert(Tensor x, Tensor out) {
        Kernels.convert(x, out);
    }

    /** {@code out = op(x)} elementwise, with the op's scalar parameters {@code p}, {@code q} (see {@link UnaryOp}). */
    default void map(UnaryOp op, Tensor x, double p, double q, Tensor out) {
        Kernels.map(op, x, p, q, out);
    }

    /** {@code out = op(a, b)} elementwise with NumPy broadcasting; {@code out} has the broadcast shape. */
    default void zip(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Kernels.zip(op, a, b, out);
    }

    /** {@code out = cond != 0 ? a : b} with broadcasting; {@code cond} has the dtype of {@code a} and {@code b}. */
    default void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Kernels.where(cond, a, b, out);
    }

    /**
     * Reduces {@code x} along {@code axis} into {@code out}, whose shape is {@code x}'s with {@code axis} set to 1;
     * arg-reductions write INT32.
     */
    default void reduce(ReduceOp op, Tensor x, int axis, Tensor out) {
        Kernels.reduce(op, x, axis, out);
    }

    /**
     * Row-major {@code C = alpha * op(A) * op(B) + beta * C} on storage arrays at the given offsets, where
     * {@code op(A)} is {@code m x k} (A stored {@code k x m} when {@code transA}), {@code op(B)} is {@code k x n}
     * and C is {@code m x n}, all densely packed. As in BLAS, {@code beta == 0} ignores C's old contents.
     */
    default void gemm(DType dtype, boolean transA, boolean transB, int m, int n, int k, double alpha,
                      Object a, int aOffset, Object b, int bOffset, double beta, Object c, int cOffset) {
        Kernels.gemm(dtype, transA, transB, m, n, k, alpha, a, aOffset, b, bOffset, beta, c, cOffset);
    }

    /** {@code out} = {@code x} with its axes reordered: out axis {@code i} is x axis {@code axes[i]}. */
    default void permute(Tensor x, int[] axes, Tensor out) {
        Kernels.permute(x, axes, out);
    }

    /** {@code out} = the elements {@code start, start + step, ...} of {@code x} along {@code axis}. */
    default void slice(Tensor x, int axis, int start, int step, Tensor out) {
        Kernels.slice(x, axis, start, step, out);
    }

    /** {@code out} = the parts joined along {@code axis}. */
    default void concat(List<Tensor> parts, int axis, Tensor out) {
        Kernels.concat(parts, axis, out);
    }

    /** {@code out} = {@code x} repeated to {@code out}'s shape by NumPy broadcasting. */
    default void broadcastTo(Tensor x, Tensor out) {
        Kernels.broadcastTo(x, out);
    }

    /** {@code out} = the slices {@code index[0], index[1], ...} (INT32) of {@code x} along {@code axis}. */
    default void indexSelect(Tensor x, int axis, Tensor index, Tensor out) {
        Kernels.indexSelect(x, axis, index, out);
    }

    /** In place: {@code out[.., index[r], ..] += source[.., r, ..]} along {@code axis}; repeated indices add up. */
    default void indexAdd(Tensor out, int axis, Tensor index, Tensor source) {
        Kernels.indexAdd(out, axis, index, source);
    }

    /** {@code out[i] = x[i with axis replaced by index[i]]} ({@code torch.gather}); out has index's shape. */
    default void gather(Tensor x, int axis, Tensor index, Tensor out) {
        Kernels.gather(x, axis, index, out);
    }

    /** In place: {@code out[i with axis replaced by index[i]] += source[i]} ({@code torch.scatter_add}). */
    default void scatterAdd(Tensor out, int axis, Tensor index, Tensor source) {
        Kernels.scatterAdd(out, axis, index, source);
    }

    /** In place: {@code y = alpha * x + beta * y} (same shape); with {@code beta == 0} y's old values are ignored. */
    default void axpby(double alpha, Tensor x, double beta, Tensor y) {
        Kernels.axpby(alpha, x, beta, y);
    }

    /**
     * In place, fused: one Adam or AdamW step on a parameter {@code w} with gradient {@code g} and moments {@code m},
     * {@code v} (and {@code vMax} with amsgrad, else null), all of one shape and floating dtype. It must equal the
     * step-by-step sequence {@link AdamStep} writes out; the default does it in one pass over the arrays.
     */
    default void adamStep(AdamStep step, Tensor w, Tensor g, Tensor m, Tensor v, Tensor vMax) {
        Kernels.adamStep(step, w, g, m, v, vMax);
    }
}
