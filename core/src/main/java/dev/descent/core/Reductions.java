package dev.descent.core;

import dev.descent.core.spi.ReduceOp;

/** The reductions of the tensor API: several axes as a sequence of one-axis kernels, keepDims, mean, variance. */
final class Reductions {
    private Reductions() {
    }

    static Tensor reduce(String op, ReduceOp kernel, Tensor x, int[] axes, boolean keepDims) {
        Checks.floating(op, x);
        int[] ax = Checks.axes(op, x.shape(), axes);
        Tensor t = x;
        for (int a : ax) {
            if (kernel != ReduceOp.SUM && t.shape().dim(a) == 0) {
                throw new IllegalArgumentException(op + ": cannot reduce an empty axis (axis " + a + " of shape "
                        + x.shape() + ")");
            }
            Tensor out = Tensor.empty(x.backend(), x.dtype(), t.shape().with(a, 1));
            x.backend().reduce(kernel, t.storage(), t.shape(), a, out.storage());
            t = out;
        }
        if (ax.length == 0) t = t.copy(); // rank 0: the result is the value itself
        return keepDims ? t : t.reshape(removed(x.shape(), ax));
    }

    static Tensor mean(Tensor x, int[] axes, boolean keepDims) {
        int[] ax = Checks.axes("mean", x.shape(), axes);
        int count = 1;
        for (int a : ax) count *= x.shape().dim(a);
        return reduce("mean", ReduceOp.SUM, x, axes, keepDims).div(count);
    }

    static Tensor variance(Tensor x, int[] axes, boolean keepDims, int correction) {
        Checks.floating("variance", x);
        if (correction < 0) {
            throw new IllegalArgumentException("variance: correction must be >= 0, got " + correction);
        }
        int[] ax = Checks.axes("variance", x.shape(), axes);
        int count = 1;
        for (int a : ax) count *= x.shape().dim(a);
        Tensor centered = x.sub(mean(x, axes, true));
        // NOTE: as torch.var, the divisor is max(0, N - correction): a correction of at least N gives inf, or NaN
        // where every squared deviation is 0 (0/0), never a negative variance.
        return reduce("variance", ReduceOp.SUM, centered.square(), axes, keepDims).div(Math.max(0, count - correction));
    }

    /** Arg-reduction along one axis, or over the flattened tensor when {@code axis} is null. */
    static Tensor arg(String op, ReduceOp kernel, Tensor x, Integer axis, boolean keepDims) {
        Checks.floating(op, x);
        Tensor t = axis == null ? x.flatten() : x;
        int a = axis == null ? 0 : x.shape().axis(op, axis);
        if (t.rank() == 0) t = t.reshape(1);
        if (t.shape().dim(a) == 0) {
            throw new IllegalArgumentException(op + ": cannot reduce an empty axis (axis " + a + " of shape "
                    + x.shape() + ")");
        }
        Tensor out = Tensor.empty(x.backend(), DType.INT32, t.shape().with(a, 1));
        x.backend().reduce(kernel, t.storage(), t.shape(), a, out.storage());
        if (axis == null) return keepDims ? out.reshape(ones(x.rank())) : out.reshape();
        return keepDims ? out : out.reshape(x.shape().without(a));
    }

    private static int[] ones(int rank) {
        int[] d = new int[rank];
        java.util.Arrays.fill(d, 1);
        return d;
    }

    private static Shape removed(Shape s, int[] sortedAxes) {
        int[] dims = new int[s.rank() - sortedAxes.length];
        for (int i = 0, j = 0, k = 0; i < s.rank(); i++) {
            if (k < sortedAxes.length && sortedAxes[k] == i) k++;
            else dims[j++] = s.dim(i);
        }
        return Shape.of(dims);
    }
}
