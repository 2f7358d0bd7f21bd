package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;

/**
 * 1-D max pooling, PyTorch's {@code nn.MaxPool1d}, over {@code (N, C, L)} or {@code (C, L)}: kernel, stride (the
 * kernel by default), padding, dilation, {@code ceil_mode}; ties send the gradient to the first maximal input.
 *
 * <pre>{@code
 * MaxPool1d pool = new MaxPool1d(3, 2, 1, 1, false);
 * }</pre>
 */
public final class MaxPool1d extends PoolLayer {
    /** Kernel with stride equal to it, no padding. */
    public MaxPool1d(int kernel) {
        this(kernel, kernel, 0, 1, false);
    }

    public MaxPool1d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        super("MaxPool1d", arr(kernel), arr(stride), arr(padding), arr(dilation), ceilMode);
    }

    @Override
    public Variable forward(Variable x) {
        return checked(x).maxPool1d(options);
    }

    @Override
    protected String describe() {
        return "MaxPool1d(" + config() + ", dilation=" + options.dilationW() + ", ceil_mode=" + options.ceilMode() + ")";
    }
}
