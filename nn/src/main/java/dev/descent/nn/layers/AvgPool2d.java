package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;

/**
 * 2-D average pooling, PyTorch's {@code nn.AvgPool2d}: kernel, stride (the kernel by default), padding,
 * {@code ceil_mode} and {@code count_include_pad} (default true: padded taps count in the divisor; taps beyond
 * the padded input in ceil mode never do).
 *
 * <pre>{@code
 * AvgPool2d pool = new AvgPool2d(2);
 * }</pre>
 */
public final class AvgPool2d extends PoolLayer {
    private final boolean countIncludePad;

    /** A square kernel with stride equal to it, no padding, count_include_pad. */
    public AvgPool2d(int kernel) {
        this(square(kernel), null, square(0), false, true);
    }

    /** Square kernel, stride and padding. */
    public AvgPool2d(int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad) {
        this(square(kernel), square(stride), square(padding), ceilMode, countIncludePad);
    }

    /** Per-axis (height, width) kernel, stride ({@code null}: the kernel) and padding. */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad) {
        super("AvgPool2d", Conv2d.two("AvgPool2d", "kernel_size", kernel),
                stride == null ? null : Conv2d.two("AvgPool2d", "stride", stride),
                Conv2d.two("AvgPool2d", "padding", padding), square(1), ceilMode);
        this.countIncludePad = countIncludePad;
    }

    /** Whether padded taps count in the divisor. */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    @Override
    public Variable forward(Variable x) {
        return checked(x).avgPool2d(options, countIncludePad);
    }

    @Override
    protected String describe() {
        return "AvgPool2d(" + config() + ", ceil_mode=" + options.ceilMode() + ", count_include_pad=" + countIncludePad
                + ")";
    }
}
