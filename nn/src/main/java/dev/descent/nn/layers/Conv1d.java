package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

/**
 * A 1-D convolution, PyTorch's {@code nn.Conv1d}: input {@code (N, C_in, L)} (or unbatched {@code (C_in, L)}),
 * weight {@code (C_out, C_in / groups, k)}, bias {@code (C_out)}; stride, padding (a size, {@link Padding#SAME} or
 * {@link Padding#VALID}), dilation, groups; PyTorch's default initialisation (see {@link ConvLayer}).
 *
 * <pre>{@code
 * Conv1d conv = new Conv1d(4, 8, 3, 1, 1, rng);
 * Variable y = conv.apply(x);                       // (N, 8, L) for x (N, 4, L)
 * }</pre>
 */
public final class Conv1d extends ConvLayer {

    /** A float32 layer on the default backend with dilation 1, groups 1 and a bias. */
    public Conv1d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), in, out, kernel, stride, Padding.of(padding), 1, 1, true, rng);
    }

    /** A layer with every argument of {@code nn.Conv1d}, created with {@code f}'s backend and dtype. */
    public Conv1d(TensorFactory f, int in, int out, int kernel, int stride, Padding padding, int dilation, int groups,
                  boolean bias, Rng rng) {
        this(f, in, out, kernel, stride, padding, dilation, groups, bias, PaddingMode.ZEROS, rng);
    }

    /** A layer with every argument of {@code nn.Conv1d} including {@code padding_mode}, in PyTorch's order. */
    public Conv1d(TensorFactory f, int in, int out, int kernel, int stride, Padding padding, int dilation, int groups,
                  boolean bias, PaddingMode paddingMode, Rng rng) {
        super("Conv1d", f, in, out, new int[] {kernel}, new int[] {stride}, padding, new int[] {dilation}, groups, bias,
                paddingMode, rng, false);
    }

    @Override
    public Variable forward(Variable x) {
        Variable b = checkedInput(x, "L");
        Convolution.Options o = options();
        checkFits(o, 1, b.shape().dim(2), x.shape());
        Padded p = padded(b, o);
        Variable y = p.input().conv1d(weight, bias, p.options());
        return x.rank() == 2 ? y.squeeze(0) : y;
    }

    @Override
    protected String describe() {
        return "Conv1d(" + config() + ")";
    }
}
