package dev.descent.autodiff;

import dev.descent.core.Shape;
import dev.descent.core.Tensor;

/** Reducing with their backward rules: the gradient is spread back over the reduced axes. */
final class Reducing {
    private Reducing() {
    }

    /** The shape of a reduction with keepDims: the reduced axes (all, when none are given) set to 1. */
    static Shape keptShape(Shape s, int[] axes) {
        int[] dims = s.dims();
        if (axes.length == 0) {
            java.util.Arrays.fill(dims, 1);
        } else {
            for (int a : axes) dims[s.axis("reduce", a)] = 1;
        }
        return Shape.of(dims);
    }

    /** The shape of a reduction without keepDims: the reduced axes (all, when none are given) removed. */
    static Shape reducedShape(Shape s, int[] axes) {
        if (axes.length == 0) return Shape.scalar();
        boolean[] gone = new boolean[s.rank()];
        for (int a : axes) gone[s.axis("reduce", a)] = true;
        int[] dims = new int[s.rank()];
        int n = 0;
        for (int i = 0; i < s.rank(); i++) if (!gone[i]) dims[n++] = s.dim(i);
        return Shape.of(java.util.Arrays.copyOf(dims, n));
    }

    /** How many elements each output of a reduction over {@code axes} combines. */
    static int count(Shape s, int[] axes) {
        if (axes.length == 0) return s.size();
        int c = 1;
        for (int a : axes) c *= s.dim(a);
        return c;
    }

    static Variable sum(Variable x, int[] axes, boolean keepDims) {
        Tensor out = x.value().sum(axes, keepDims);
        Shape kept = keptShape(x.shape(), axes);
        return Variable.record("sum", out,
                g -> new Variable[] {g.reshape(kept.dims()).broadcastTo(x.shape())}, x);
    }

    static Variable mean(Variable x, int[] axes, boolean keepDims) {
        Variable total = sum(x, axes, keepDims); // validates the axes
        return total.div(count(x.shape(), axes));
    }

    /**
     * NOTE: the gradient of max/min goes to every element equal to the extremum, split evenly among ties
     * ({@code torch.amax}/{@code torch.amin} semantics), so it is the same for any order of equal elements.
     */
    static Variable extremum(Variable x, int[] axes, boolean keepDims, boolean max) {
        Tensor kept = max ? x.value().max(axes, true) : x.value().min(axes, true);
        Tensor out = keepDims ? kept : kept.reshape(reducedShape(x.shape(), axes));
        return Variable.record(max ? "max" : "min", out, g -> {
            Tensor ties = x.value().eq(kept);
            Tensor share = ties.div(ties.sum(axes, true));
            return new Variable[] {g.reshape(kept.shape().dims()).mul(share)};
        }, x);
    }
}
