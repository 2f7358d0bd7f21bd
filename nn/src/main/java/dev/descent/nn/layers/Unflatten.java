package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.nn.Module;

import java.util.Arrays;

/**
 * Splits axis {@code dim} into {@code sizes}, PyTorch's {@code nn.Unflatten}: for example flat images
 * {@code (N, 784)} into {@code (N, 1, 28, 28)} in front of a convolution.
 *
 * <pre>{@code
 * Unflatten images = new Unflatten(1, 1, 28, 28);
 * }</pre>
 */
public final class Unflatten extends Module {
    private final int dim;
    private final int[] sizes;

    public Unflatten(int dim, int... sizes) {
        if (sizes == null || sizes.length == 0 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("Unflatten: expected sizes >= 1, got " + Arrays.toString(sizes));
        }
        this.dim = dim;
        this.sizes = sizes.clone();
    }

    @Override
    public Variable forward(Variable x) {
        int axis = dim < 0 ? dim + x.rank() : dim;
        int product = Arrays.stream(sizes).reduce(1, (a, b) -> a * b);
        if (axis < 0 || axis >= x.rank() || x.shape().dim(axis) != product) {
            throw new IllegalArgumentException(describe() + ": expected an input whose axis " + dim + " has " + product
                    + " elements, got " + x.shape());
        }
        int[] dims = new int[x.rank() - 1 + sizes.length];
        int[] in = x.shape().dims();
        System.arraycopy(in, 0, dims, 0, axis);
        System.arraycopy(sizes, 0, dims, axis, sizes.length);
        System.arraycopy(in, axis + 1, dims, axis + sizes.length, in.length - axis - 1);
        return x.reshape(dims);
    }

    @Override
    protected String describe() {
        return "Unflatten(dim=" + dim + ", unflattened_size=" + Arrays.toString(sizes) + ")";
    }
}
