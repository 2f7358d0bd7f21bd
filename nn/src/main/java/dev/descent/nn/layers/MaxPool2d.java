package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;

/**
 * 2-D max pooling, PyTorch's {@code nn.MaxPool2d}: kernel, stride (the kernel by default), padding (at most half
 * the kernel; padded taps never win), dilation and {@code ceil_mode}, over {@code (N, C, H, W)} or
 * {@code (C, H, W)}. On ties the gradient goes to the first maximal input in row-major order, as on PyTorch's CPU.
 *
 * <pre>{@code
 * MaxPool2d pool = new MaxPool2d(2);     // kernel 2, stride 2: halves H and W
 * }</pre>
 */
public final class MaxPool2d extends PoolLayer {
    /** A square kernel with stride equal to it, no padding. */
    public MaxPool2d(int kernel) {
        this(square(kernel), null, square(0), square(1), false);
    }

    /** Square kernel, stride, padding and dilation. */
    public MaxPool2d(int kernel, int stride, int padding, int dilation, boolean ceilMode) {
        this(square(kernel), square(stride), square(padding), square(dilation), ceilMode);
    }

    /** Per-axis (height, width) kernel, stride ({@code null}: the kernel), padding and dilation. */
    public MaxPool2d(int[] kernel, int[] stride, int[] padding, int[] dilation, boolean ceilMode) {
        super("MaxPool2d", Conv2d.two("MaxPool2d", "kernel_size", kernel),
                stride == null ? null : Conv2d.two("MaxPool2d", "stride", stride),
                Conv2d.two("MaxPool2d", "padding", padding), Conv2d.two("MaxPool2d", "dilation", dilation), ceilMode);
    }

    @Override
    public Variable forward(Variable x) {
        return checked(x).maxPool2d(options);
    }

    @Override
    protected String describe() {
        return "MaxPool2d(" + config() + ", dilation=(" + options.dilationH() + ", " + options.dilationW()
                + "), ceil_mode=" + options.ceilMode() + ")";
    }
}
