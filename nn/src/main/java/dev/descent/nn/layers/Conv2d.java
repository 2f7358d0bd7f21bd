package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * A 2-D convolution, PyTorch's {@code nn.Conv2d}: input {@code (N, C_in, H, W)} (or unbatched {@code (C_in, H, W)}),
 * weight {@code (C_out, C_in / groups, kH, kW)}, bias {@code (C_out)}; stride, padding (sizes, {@link Padding#SAME}
 * or {@link Padding#VALID}), dilation and groups; PyTorch's default initialisation (see {@link ConvLayer}). Its state
 * dict is PyTorch's ({@code weight}, {@code bias}).
 *
 * <pre>{@code
 * Conv2d conv = new Conv2d(1, 32, 3, 1, 1, rng);                  // 3x3, stride 1, padding 1
 * Variable y = conv.apply(x);                                       // (N, 32, 28, 28) for x (N, 1, 28, 28)
 * }</pre>
 */
public final class Conv2d extends ConvLayer {

    /** A float32 layer on the default backend: a square kernel, stride and padding, dilation 1, groups 1, bias. */
    public Conv2d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), in, out, new int[] {kernel, kernel}, new int[] {stride, stride},
                Padding.of(padding), new int[] {1, 1}, 1, true, rng);
    }

    /** A layer with every argument of {@code nn.Conv2d}, created with {@code f}'s backend and dtype. */
    public Conv2d(TensorFactory f, int in, int out, int[] kernel, int[] stride, Padding padding, int[] dilation,
                  int groups, boolean bias, Rng rng) {
        this(f, in, out, kernel, stride, padding, dilation, groups, bias, PaddingMode.ZEROS, rng);
    }

    /** A layer with every argument of {@code nn.Conv2d} including {@code padding_mode}, in PyTorch's order. */
    public Conv2d(TensorFactory f, int in, int out, int[] kernel, int[] stride, Padding padding, int[] dilation,
                  int groups, boolean bias, PaddingMode paddingMode, Rng rng) {
        super("Conv2d", f, in, out, two("Conv2d", "kernel_size", kernel), two("Conv2d", "stride", stride), padding,
                two("Conv2d", "dilation", dilation), groups, bias, paddingMode, rng, false);
    }

    static int[] two(String layer, String what, int[] v) {
        if (v == null || v.length != 2) {
            throw new IllegalArgumentException(layer + ": expected " + what + " with 2 entries (height, width), got "
                    + java.util.Arrays.toString(v));
        }
        return v;
    }

    @Override
    public Variable forward(Variable x) {
        Variable b = checkedInput(x, "H, W");
        Convolution.Options o = options();
        checkFits(o, b.shape().dim(2), b.shape().dim(3), x.shape());
        Padded p = padded(b, o);
        Variable y = p.input().conv2d(weight, bias, p.options());
        return x.rank() == 3 ? y.squeeze(0) : y;
    }

    @Override
    protected String describe() {
        return "Conv2d(" + config() + ")";
    }
}
