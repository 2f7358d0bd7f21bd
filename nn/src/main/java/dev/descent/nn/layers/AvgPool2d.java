package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Tensor;

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
    private final Integer divisorOverride;

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
        this(kernel, stride, padding, ceilMode, countIncludePad, null);
    }

    /**
     * Every argument of {@code nn.AvgPool2d}: with {@code divisorOverride} (non-zero, or null for none) each window's
     * sum is divided by it instead of by its size, whatever {@code countIncludePad} says.
     */
    public AvgPool2d(int[] kernel, int[] stride, int[] padding, boolean ceilMode, boolean countIncludePad,
                     Integer divisorOverride) {
        super("AvgPool2d", Conv2d.two("AvgPool2d", "kernel_size", kernel),
                stride == null ? null : Conv2d.two("AvgPool2d", "stride", stride),
                Conv2d.two("AvgPool2d", "padding", padding), square(1), ceilMode);
        if (divisorOverride != null && divisorOverride == 0) {
            throw new IllegalArgumentException("AvgPool2d: divisor_override must not be zero");
        }
        this.countIncludePad = countIncludePad;
        this.divisorOverride = divisorOverride;
    }

    /** The divisor used instead of each window's size, or null. */
    public Integer divisorOverride() {
        return divisorOverride;
    }

    /** Whether padded taps count in the divisor. */
    public boolean countIncludePad() {
        return countIncludePad;
    }

    @Override
    public Variable forward(Variable x) {
        if (divisorOverride == null) return checked(x).avgPool2d(options, countIncludePad);
        Variable mean = checked(x).avgPool2d(options, true);
        return mean.mul(Variable.constant(resize(mean, x.shape().dim(-2), x.shape().dim(-1))));
    }

    /**
     * Per output cell, its window's size counting padding (as {@code count_include_pad} divides by; in ceil mode a
     * window is cut at the padded input's end) over {@code divisorOverride}: the factor that turns that mean into
     * the window's sum over the override, shape {@code (oH, oW)}.
     */
    private Tensor resize(Variable like, int h, int w) {
        int oh = options.outHeight(h), ow = options.outWidth(w);
        double[] f = new double[oh * ow];
        for (int i = 0; i < oh; i++) {
            int rows = windowSize(i, options.strideH(), options.padH(), options.kernelH(), h);
            for (int j = 0; j < ow; j++) {
                f[i * ow + j] = (double) rows * windowSize(j, options.strideW(), options.padW(), options.kernelW(), w)
                        / divisorOverride;
            }
        }
        return Tensor.on(like.value().backend(), like.dtype()).of(f, oh, ow);
    }

    private static int windowSize(int out, int stride, int pad, int kernel, int size) {
        int start = out * stride - pad;
        return Math.min(start + kernel, size + pad) - start;
    }

    @Override
    protected String describe() {
        return "AvgPool2d(" + config() + ", ceil_mode=" + options.ceilMode() + ", count_include_pad=" + countIncludePad
                + (divisorOverride == null ? "" : ", divisor_override=" + divisorOverride) + ")";
    }
}
