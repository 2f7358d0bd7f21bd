package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Shape;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;
import dev.descent.nn.Module;
import dev.descent.nn.init.Initializers;

import java.util.Arrays;

/**
 * What {@link Conv1d}, {@link Conv2d} and {@link ConvTranspose2d} share: the weight in PyTorch's layout, the bias,
 * PyTorch's default initialisation, the checks of the input.
 *
 * <p>NOTE: PyTorch initialises convolution weights with {@code kaiming_uniform_(a = sqrt(5))}: bound
 * {@code gain sqrt(3 / fan_in)} with {@code gain = sqrt(2 / (1 + a^2)) = sqrt(1/3)}, so {@code U(-1/sqrt(fan_in),
 * 1/sqrt(fan_in))}, and the bias {@code U(-1/sqrt(fan_in), 1/sqrt(fan_in))}; fan_in is the weight's second axis
 * times its kernel size ({@code C_in / groups kH kW} for a convolution, {@code C_out / groups kH kW} for a
 * transposed one).
 */
abstract class ConvLayer extends Module {
    final int in, out, groups;
    final int[] kernel, stride, dilation;
    final Padding padding;
    final PaddingMode paddingMode;
    final Variable weight, bias;

    ConvLayer(String name, TensorFactory f, int in, int out, int[] kernel, int[] stride, Padding padding,
              int[] dilation, int groups, boolean bias, PaddingMode paddingMode, Rng rng, boolean transposed) {
        int axes = kernel.length;
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException(name + ": in_channels and out_channels must be >= 1, got " + in + " and "
                    + out);
        }
        if (groups < 1 || in % groups != 0 || out % groups != 0) {
            throw new IllegalArgumentException(name + ": groups " + groups + " must divide in_channels " + in
                    + " and out_channels " + out);
        }
        positive(name, "kernel_size", kernel);
        positive(name, "stride", stride);
        positive(name, "dilation", dilation);
        if (stride.length != axes || dilation.length != axes) {
            throw new IllegalArgumentException(name + ": expected kernel_size, stride and dilation with " + axes
                    + " entries each, got " + Arrays.toString(kernel) + ", " + Arrays.toString(stride) + ", "
                    + Arrays.toString(dilation));
        }
        if (padding.isSame() && Arrays.stream(stride).anyMatch(s -> s != 1)) {
            throw new IllegalArgumentException(name + ": padding 'same' needs stride 1, got stride "
                    + Arrays.toString(stride));
        }
        if (rng == null) throw new IllegalArgumentException(name + ": rng must not be null");
        if (paddingMode == null) throw new IllegalArgumentException(name + ": padding_mode must not be null");
        if (!padding.isSame()) padding.sizes(name, axes); // checks the count
        this.in = in;
        this.out = out;
        this.groups = groups;
        this.kernel = kernel.clone();
        this.stride = stride.clone();
        this.dilation = dilation.clone();
        this.padding = padding;
        this.paddingMode = paddingMode;
        int taps = Arrays.stream(kernel).reduce(1, (a, b) -> a * b);
        int fanIn = (transposed ? out / groups : in / groups) * taps;
        int[] wDims = new int[2 + axes];
        wDims[0] = transposed ? in : out;
        wDims[1] = transposed ? out / groups : in / groups;
        System.arraycopy(kernel, 0, wDims, 2, axes);
        this.weight = registerParameter("weight", Initializers.linearDefaultWeight()
                .initialize(f, Shape.of(wDims), fanIn, wDims[0] * taps, rng));
        this.bias = bias ? registerParameter("bias", Initializers.linearDefaultBias()
                .initialize(f, Shape.of(out), fanIn, wDims[0] * taps, rng)) : null;
    }

    private static void positive(String name, String what, int[] v) {
        if (v == null || v.length == 0 || Arrays.stream(v).anyMatch(x -> x < 1)) {
            throw new IllegalArgumentException(name + ": " + what + " must be >= 1, got " + Arrays.toString(v));
        }
    }

    /**
     * The convolution options over 2-D planes, padding resolved ({@link Padding#SAME} as its sizes before and after);
     * a 1-D layer's height entries are stride 1, padding 0, dilation 1.
     */
    public Convolution.Options options() {
        int[] k = planar(kernel, 1), s = planar(stride, 1), d = planar(dilation, 1);
        if (padding.isSame()) return Convolution.Options.same(k[0], k[1], d[0], d[1], groups);
        int[] p = planar(padding.sizes(describe(), kernel.length), 0);
        return new Convolution.Options(s[0], s[1], p[0], p[0], p[1], p[1], d[0], d[1], groups);
    }

    /** How the input is padded ({@link PaddingMode#ZEROS} unless given). */
    public PaddingMode paddingMode() {
        return paddingMode;
    }

    /** The batched input and the options to convolve it with: for ZEROS as they are; otherwise the input padded by
     * its own values (as {@code torch.nn.functional.pad(x, ..., mode)}, differentiable: an index selection per
     * padded axis) and the options without padding. */
    record Padded(Variable input, Convolution.Options options) {
    }

    Padded padded(Variable batched, Convolution.Options o) {
        if (paddingMode == PaddingMode.ZEROS) return new Padded(batched, o);
        Variable x = padAxis(batched, batched.rank() - 1, o.padLeft(), o.padRight(), batched.shape());
        if (kernel.length == 2) x = padAxis(x, batched.rank() - 2, o.padTop(), o.padBottom(), batched.shape());
        return new Padded(x, new Convolution.Options(o.strideH(), o.strideW(), 0, 0, 0, 0, o.dilationH(),
                o.dilationW(), o.groups()));
    }

    private Variable padAxis(Variable x, int axis, int before, int after, Shape input) {
        if (before == 0 && after == 0) return x;
        int[] src = paddingMode.sources(describe(), before, after, x.shape().dim(axis), input);
        return x.indexSelect(axis, Tensor.on(x.value().backend(), DType.INT32).of(src));
    }

    /** {@code v} as (height, width): a 1-D layer's single entry is the width, the height {@code one}. */
    static int[] planar(int[] v, int one) {
        return v.length == 2 ? v : new int[] {one, v[0]};
    }

    public Variable weight() {
        return weight;
    }

    /** The bias, or {@code null} for a layer without one. */
    public Variable bias() {
        return bias;
    }

    /**
     * Checks {@code x}: rank {@code 2 + axes} (batched) or {@code 1 + axes} (unbatched), {@code in} channels, every
     * spatial size at least the padded kernel; returns x batched.
     */
    Variable checkedInput(Variable x, String dimsName) {
        int axes = kernel.length;
        String layer = describe();
        if (x.rank() != axes + 2 && x.rank() != axes + 1) {
            throw new IllegalArgumentException(layer + ": expected input (N, " + in + ", " + dimsName + ") or (" + in
                    + ", " + dimsName + "), got " + x.shape());
        }
        Variable batched = x.rank() == axes + 1 ? x.unsqueeze(0) : x;
        if (batched.shape().dim(1) != in) {
            throw new IllegalArgumentException(layer + ": expected input with " + in + " channels, got "
                    + batched.shape().dim(1) + " channels in " + x.shape());
        }
        return batched;
    }

    /**
     * Refuses sizes beyond the int index range: the padded input {@code size + before + after} and the kernel's
     * extent {@code dilation (kernel - 1) + 1} along one axis (PyTorch indexes with int64; here they would wrap).
     */
    static void indexable(String layer, long padded, long extent, Shape input) {
        if (padded > Integer.MAX_VALUE || extent > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(layer + ": the padded input (" + padded + ") or the dilated kernel ("
                    + extent + ") of " + input + " exceeds the int index range " + Integer.MAX_VALUE);
        }
    }

    /** Checks that the kernel fits the padded input (2-D view {@code h x w}). */
    void checkFits(Convolution.Options o, int h, int w, Shape input) {
        int[] k = planar(kernel, 1), d = planar(dilation, 1);
        indexable(describe(), (long) h + o.padTop() + o.padBottom(), (long) d[0] * (k[0] - 1) + 1, input);
        indexable(describe(), (long) w + o.padLeft() + o.padRight(), (long) d[1] * (k[1] - 1) + 1, input);
        if (o.outHeight(h, k[0]) < 1 || o.outWidth(w, k[1]) < 1) {
            throw new IllegalArgumentException(describe() + ": kernel " + Arrays.toString(kernel) + " with dilation "
                    + Arrays.toString(dilation) + " is larger than the padded input " + paddedSize(o, h, w) + " of "
                    + input);
        }
    }

    private String paddedSize(Convolution.Options o, int h, int w) {
        int ph = h + o.padTop() + o.padBottom(), pw = w + o.padLeft() + o.padRight();
        return kernel.length == 1 ? "[" + pw + "]" : "[" + ph + ", " + pw + "]";
    }

    String config() {
        return in + ", " + out + ", kernel_size=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", padding=" + padding + ", dilation=" + Arrays.toString(dilation) + ", groups=" + groups + ", bias="
                + (bias != null) + (paddingMode == PaddingMode.ZEROS ? "" : ", padding_mode='" + paddingMode.torchName()
                + "'");
    }
}
