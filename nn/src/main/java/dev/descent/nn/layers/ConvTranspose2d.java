package dev.descent.nn.layers;

import dev.descent.autodiff.Variable;
import dev.descent.core.Backends;
import dev.descent.core.Convolution;
import dev.descent.core.DType;
import dev.descent.core.Rng;
import dev.descent.core.Tensor;
import dev.descent.core.TensorFactory;

import java.util.Arrays;

/**
 * A transposed 2-D convolution, PyTorch's {@code nn.ConvTranspose2d}: the gradient of a convolution with respect
 * to its input. Input {@code (N, C_in, H, W)}, weight {@code (C_in, C_out / groups, kH, kW)}, bias {@code (C_out)};
 * output height {@code (H - 1) stride - 2 padding + dilation (kH - 1) + output_padding + 1}, and so the width.
 *
 * <pre>{@code
 * ConvTranspose2d up = new ConvTranspose2d(16, 8, 2, 2, 0, rng);   // doubles H and W
 * }</pre>
 */
public final class ConvTranspose2d extends ConvLayer {
    private final int[] outputPadding;

    /** A float32 layer on the default backend: square kernel, stride and padding, no output padding, bias. */
    public ConvTranspose2d(int in, int out, int kernel, int stride, int padding, Rng rng) {
        this(Tensor.on(Backends.get(), DType.FLOAT32), in, out, new int[] {kernel, kernel}, new int[] {stride, stride},
                new int[] {padding, padding}, new int[] {0, 0}, 1, true, new int[] {1, 1}, rng);
    }

    /** A layer with every argument of {@code nn.ConvTranspose2d}, in its order, created with {@code f}. */
    public ConvTranspose2d(TensorFactory f, int in, int out, int[] kernel, int[] stride, int[] padding,
                           int[] outputPadding, int groups, boolean bias, int[] dilation, Rng rng) {
        super("ConvTranspose2d", f, in, out, Conv2d.two("ConvTranspose2d", "kernel_size", kernel),
                Conv2d.two("ConvTranspose2d", "stride", stride), Padding.of(Conv2d.two("ConvTranspose2d", "padding",
                        padding)), Conv2d.two("ConvTranspose2d", "dilation", dilation), groups, bias, PaddingMode.ZEROS, rng, true);
        Conv2d.two("ConvTranspose2d", "output_padding", outputPadding);
        for (int i = 0; i < 2; i++) {
            if (outputPadding[i] < 0 || outputPadding[i] >= Math.max(stride[i], dilation[i])) {
                throw new IllegalArgumentException("ConvTranspose2d: output_padding must be >= 0 and smaller than "
                        + "either the stride " + Arrays.toString(stride) + " or the dilation " + Arrays.toString(dilation)
                        + " on each axis, got " + Arrays.toString(outputPadding));
            }
        }
        this.outputPadding = outputPadding.clone();
    }

    /** The extra size added after each of (height, width) of the output. */
    public int[] outputPadding() {
        return outputPadding.clone();
    }

    @Override
    public Variable forward(Variable x) {
        Variable b = checkedInput(x, "H, W");
        Convolution.Options o = options();
        for (int a = 0; a < 2; a++) {
            // NOTE: (size - 1) stride + dilation (kernel - 1) + output_padding + 1, in long: it must index as an int
            long extent = (long) (b.shape().dim(2 + a) - 1) * stride[a] + (long) dilation[a] * (kernel[a] - 1)
                    + outputPadding[a] + 1;
            indexable(describe(), extent, extent, x.shape());
        }
        Variable y = outputPadding[0] < stride[0] && outputPadding[1] < stride[1]
                ? b.convTranspose2d(weight, bias, o, outputPadding[0], outputPadding[1]) : beyondStride(b, o);
        return x.rank() == 3 ? y.squeeze(0) : y;
    }

    /**
     * An output padding of at least the stride on some axis (allowed below the dilation, as in PyTorch): the input is
     * extended there by {@code ceil(output_padding / stride)} zero rows (or columns), transposed without that output
     * padding, and the result cut to its size. NOTE: output row {@code o} sums the inputs {@code i} with
     * {@code o = i stride - padding + tap dilation} whatever the output's size, and the added inputs are zero, so the
     * rows kept are PyTorch's.
     */
    private Variable beyondStride(Variable b, Convolution.Options o) {
        int[] extra = new int[2], op = new int[2], size = new int[2];
        for (int a = 0; a < 2; a++) {
            boolean beyond = outputPadding[a] >= stride[a];
            extra[a] = beyond ? (outputPadding[a] + stride[a] - 1) / stride[a] : 0;
            op[a] = beyond ? 0 : outputPadding[a];
            size[a] = (b.shape().dim(2 + a) - 1) * stride[a] - 2 * padding.sizes(describe(), 2)[a]
                    + dilation[a] * (kernel[a] - 1) + outputPadding[a] + 1;
        }
        if (size[0] < 1 || size[1] < 1) {
            throw new IllegalArgumentException(describe() + ": the output of " + b.shape() + " would be ("
                    + size[0] + ", " + size[1] + "), expected at least (1, 1)");
        }
        Variable z = b;
        for (int a = 0; a < 2; a++) {
            if (extra[a] == 0) continue;
            int[] dims = z.shape().dims();
            dims[2 + a] = extra[a];
            z = Variable.concat(2 + a, z, Variable.constant(Tensor.on(z.value().backend(), z.dtype()).zeros(dims)));
        }
        return z.convTranspose2d(weight, bias, o, op[0], op[1]).slice(2, 0, size[0]).slice(3, 0, size[1]);
    }

    @Override
    protected String describe() {
        return "ConvTranspose2d(" + config() + ", output_padding=" + Arrays.toString(outputPadding) + ")";
    }
}
