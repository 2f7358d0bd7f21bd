package dev.descent.core;

import dev.descent.core.spi.Backend;
import dev.descent.core.spi.BinaryOp;
import dev.descent.core.spi.Storage;
import dev.descent.core.spi.Window;

/**
 * 2-D convolution on tensors in PyTorch's layout (input {@code (N, C, H, W)}, weight {@code (O, C / groups, kH, kW)}),
 * and its two adjoints, as the backend's im2col or col2im plus one GEMM per chunk of images and group. The batch is
 * lowered in equal chunks into a reused per-thread buffer (at most about 500,000 elements, or one image), never the
 * whole batch; a 1x1 kernel with stride 1 and no padding is not lowered at all.
 * A 1-D convolution is the 2-D one over inputs of height 1.
 *
 * <pre>{@code
 * Convolution.Options o = Convolution.Options.of(1, 1, 1, 1);       // stride 1, padding 1, dilation 1, groups 1
 * Tensor y  = Convolution.conv2d(x, w, b, o);                          // torch.nn.functional.conv2d(x, w, b, 1, 1)
 * Tensor dx = Convolution.inputGrad(gy, w, o, x.dim(2), x.dim(3));   // d<gy, y>/dx, also conv_transpose2d(gy, w)
 * Tensor dw = Convolution.weightGrad(x, gy, o, w.dim(2), w.dim(3));  // d<gy, y>/dw
 * }</pre>
 *
 * <p>Bad arguments (ranks, channels not divisible by groups, a kernel larger than the padded input) throw
 * {@link IllegalArgumentException} naming the operation and the expected and actual values.
 */
public final class Convolution {
    private Convolution() {
    }

    /**
     * Stride, dilation, groups and padding of a 2-D convolution; padding is given before and after each spatial axis
     * (PyTorch's {@code padding="same"} pads one more after than before when the total is odd).
     */
    public record Options(int strideH, int strideW, int padTop, int padBottom, int padLeft, int padRight,
                          int dilationH, int dilationW, int groups) {
        public Options {
            if (strideH < 1 || strideW < 1 || dilationH < 1 || dilationW < 1 || groups < 1) {
                throw new IllegalArgumentException("convolution: stride, dilation and groups must be >= 1, got stride ("
                        + strideH + ", " + strideW + "), dilation (" + dilationH + ", " + dilationW + "), groups "
                        + groups);
            }
            if (padTop < 0 || padBottom < 0 || padLeft < 0 || padRight < 0) {
                throw new IllegalArgumentException("convolution: padding must be >= 0, got (" + padTop + ", "
                        + padBottom + ", " + padLeft + ", " + padRight + ")");
            }
        }

        /** The same stride, symmetric padding and dilation on both axes. */
        public static Options of(int stride, int padding, int dilation, int groups) {
            return new Options(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
        }

        /** A 1-D convolution's options: along the width only (the height entries stride 1, padding 0, dilation 1). */
        public static Options of1d(int stride, int padding, int dilation, int groups) {
            return new Options(1, stride, 0, 0, padding, padding, 1, dilation, groups);
        }

        /** Per-axis {@code (height, width)} stride, symmetric padding and dilation. */
        public static Options of(int[] stride, int[] padding, int[] dilation, int groups) {
            return new Options(stride[0], stride[1], padding[0], padding[0], padding[1], padding[1], dilation[0],
                    dilation[1], groups);
        }

        /**
         * PyTorch's {@code padding="same"} for a {@code kH x kW} kernel (stride 1): total padding
         * {@code dilation (k - 1)} per axis, half before and the rest after.
         */
        public static Options same(int kernelH, int kernelW, int dilationH, int dilationW, int groups) {
            int th = dilationH * (kernelH - 1), tw = dilationW * (kernelW - 1);
            return new Options(1, 1, th / 2, th - th / 2, tw / 2, tw - tw / 2, dilationH, dilationW, groups);
        }

        /** The output size of one axis for an input of {@code size}, or -1 when the kernel does not fit. */
        static int outSize(int size, int before, int after, int kernel, int dilation, int stride) {
            int span = size + before + after - dilation * (kernel - 1) - 1;
            return span < 0 ? -1 : span / stride + 1;
        }

        /** Output height for an input of height {@code h} and a kernel of height {@code k}, or -1. */
        public int outHeight(int h, int k) {
            return outSize(h, padTop, padBottom, k, dilationH, strideH);
        }

        /** Output width for an input of width {@code w} and a kernel of width {@code k}, or -1. */
        public int outWidth(int w, int k) {
            return outSize(w, padLeft, padRight, k, dilationW, strideW);
        }
    }

    /** The output shape of a convolution of {@code x} by {@code weight}, checked as {@link #conv2d} checks. */
    public static Shape outputShape(String op, Shape x, Shape weight, Options o) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D input (N, C, H, W), got " + x);
        }
        if (weight.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D weight (out, in / groups, kH, kW), got " + weight);
        }
        int c = x.dim(1), outC = weight.dim(0), g = o.groups();
        if (c % g != 0 || outC % g != 0) {
            throw new IllegalArgumentException(op + ": groups " + g + " must divide the input channels " + c
                    + " and the output channels " + outC);
        }
        if (weight.dim(1) * g != c) {
            throw new IllegalArgumentException(op + ": expected input with " + weight.dim(1) * g + " channels (weight "
                    + weight + ", groups " + g + "), got " + c + " channels in " + x);
        }
        int oh = o.outHeight(x.dim(2), weight.dim(2)), ow = o.outWidth(x.dim(3), weight.dim(3));
        if (oh < 1 || ow < 1 || outC < 1) {
            throw new IllegalArgumentException(op + ": kernel (" + weight.dim(2) + ", " + weight.dim(3)
                    + ") with dilation (" + o.dilationH() + ", " + o.dilationW() + ") is larger than the padded input ("
                    + (x.dim(2) + o.padTop() + o.padBottom()) + ", " + (x.dim(3) + o.padLeft() + o.padRight())
                    + ") of " + x);
        }
        return Shape.of(x.dim(0), outC, oh, ow);
    }

    private static Window window(Shape x, Shape weight, Shape out, Options o) {
        return new Window(x.dim(1), x.dim(2), x.dim(3), weight.dim(2), weight.dim(3), o.strideH(), o.strideW(),
                o.padTop(), o.padLeft(), o.dilationH(), o.dilationW(), out.dim(2), out.dim(3));
    }

    /**
     * {@code torch.nn.functional.conv2d(x, weight, bias, ...)}: {@code y[n, o] = bias[o] + sum over the channels of
     * o's group and the kernel taps of weight * x}; {@code bias} may be null.
     */
    public static Tensor conv2d(Tensor x, Tensor weight, Tensor bias, Options o) {
        String op = "conv2d";
        checkPair(op, x, "input", weight, "weight");
        Shape outShape = outputShape(op, x.shape(), weight.shape(), o);
        if (bias != null) {
            Checks.sameKind(op, x, bias);
            if (bias.rank() != 1 || bias.dim(0) != outShape.dim(1)) {
                throw new IllegalArgumentException(op + ": expected a bias of shape (" + outShape.dim(1) + "), got "
                        + bias.shape());
            }
        }
        Backend b = x.backend();
        Tensor out = Tensor.empty(b, x.dtype(), outShape); // the GEMMs (or the permute) write every element
        if (outShape.size() == 0) return out;
        Lowering l = new Lowering(x.shape(), weight.shape(), outShape, o);
        Tensor blocked = l.count == 1 ? out : Tensor.empty(b, x.dtype(), l.blockedShape());
        l.inChunks(b, x.dtype(), x.storage(), (c, col) -> {
            if (!l.direct) b.im2col(x.storage(), c * l.chunkInput, l.window, l.count, col);
            for (int g = 0; g < l.groups; g++) {
                b.gemm(false, false, l.outPerGroup, l.columns, l.rowsPerGroup, 1.0, weight.storage(),
                        l.weightOffset(g), col, l.colOffset(c, g), 0.0, blocked.storage(), l.outOffset(c, g));
            }
        });
        if (blocked != out) b.permute(blocked.storage(), l.blockedShape(), Lowering.SWAP, out.storage());
        if (bias != null) {
            b.zip(BinaryOp.ADD, out.storage(), outShape, bias.storage(), Shape.of(outShape.dim(1), 1, 1),
                    out.storage(), outShape);
        }
        return out;
    }

    /**
     * The gradient of {@code <grad, conv2d(x, weight)>} with respect to an {@code x} of {@code height x width}:
     * {@code W^T grad} per chunk of images and group, folded back by col2im. It is also
     * {@code torch.nn.functional.conv_transpose2d(grad, weight)} with the convolution's stride, padding, dilation and
     * groups, whose output is {@code height x width}.
     */
    public static Tensor inputGrad(Tensor grad, Tensor weight, Options o, int height, int width) {
        String op = "conv2d input gradient";
        checkPair(op, grad, "gradient", weight, "weight");
        Shape xShape = Shape.of(grad.dim(0), weight.dim(1) * o.groups(), height, width);
        Shape outShape = outputShape(op, xShape, weight.shape(), o);
        Checks.shapeEquals(op, outShape, grad.shape());
        Tensor dx = Tensor.empty(grad.backend(), grad.dtype(), xShape); // col2im (or the GEMMs) overwrite every image
        if (xShape.size() == 0) return dx;
        Backend b = grad.backend();
        Lowering l = new Lowering(xShape, weight.shape(), outShape, o);
        Storage g = l.blocked(b, grad);
        l.inChunks(b, grad.dtype(), dx.storage(), (c, col) -> {
            for (int gr = 0; gr < l.groups; gr++) {
                b.gemm(true, false, l.rowsPerGroup, l.columns, l.outPerGroup, 1.0, weight.storage(),
                        l.weightOffset(gr), g, l.outOffset(c, gr), 0.0, col, l.colOffset(c, gr));
            }
            if (!l.direct) b.col2im(col, l.window, l.count, dx.storage(), c * l.chunkInput);
        });
        return dx;
    }

    /**
     * The gradient of {@code <grad, conv2d(x, weight)>} with respect to a {@code kernelH x kernelW} weight:
     * {@code grad · im2col(x)^T} per group, one GEMM per chunk of images summed over the chunks.
     */
    public static Tensor weightGrad(Tensor x, Tensor grad, Options o, int kernelH, int kernelW) {
        String op = "conv2d weight gradient";
        checkPair(op, x, "input", grad, "gradient");
        if (x.dim(1) % o.groups() != 0) {
            throw new IllegalArgumentException(op + ": groups " + o.groups() + " must divide the input channels "
                    + x.dim(1));
        }
        Shape wShape = Shape.of(grad.dim(1), x.dim(1) / o.groups(), kernelH, kernelW);
        Shape outShape = outputShape(op, x.shape(), wShape, o);
        Checks.shapeEquals(op, outShape, grad.shape());
        Tensor dw = Tensor.allocate(x.backend(), x.dtype(), wShape);
        if (x.size() == 0 || wShape.size() == 0) return dw;
        Backend b = x.backend();
        Lowering l = new Lowering(x.shape(), wShape, outShape, o);
        Storage g = l.blocked(b, grad);
        l.inChunks(b, x.dtype(), x.storage(), (c, col) -> {
            if (!l.direct) b.im2col(x.storage(), c * l.chunkInput, l.window, l.count, col);
            for (int gr = 0; gr < l.groups; gr++) {
                b.gemm(false, true, l.outPerGroup, l.rowsPerGroup, l.columns, 1.0, g, l.outOffset(c, gr), col,
                        l.colOffset(c, gr), c == 0 ? 0.0 : 1.0, dw.storage(), l.weightOffset(gr));
            }
        });
        return dw;
    }

    /** Both floating, of one kind, and 4-D. */
    private static void checkPair(String op, Tensor a, String aName, Tensor b, String bName) {
        Checks.sameKind(op, a, b);
        Checks.floating(op, a);
        if (a.rank() != 4 || b.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected a 4-D " + aName + " and a 4-D " + bName + ", got "
                    + a.shape() + " and " + b.shape());
        }
    }

    /** The work on chunk {@code c} of the batch, with its lowered columns' storage. */
    @FunctionalInterface
    private interface Chunk {
        void run(int c, Storage col);
    }

    /**
     * The sizes and offsets of one lowered convolution. The batch is lowered in equal chunks of {@code count}
     * images; a chunk's columns are one matrix of {@code columnRows} rows by {@code count * positions} columns
     * ({@link Backend#im2col}), so a chunk is one GEMM per group, and its output comes out channel-major,
     * {@code (O, count, positions)}: the outputs of all chunks form the {@link #blockedShape} {@code (chunks, O,
     * count, positions)}, which one permute of its middle axes turns into {@code (N, O, H W)}, and back. A chunk of
     * one image is already in the batch's layout and is not permuted.
     *
     * <p>A 1x1 kernel with stride 1 and no padding is {@code direct}: each image already is its lowered matrix
     * ({@code C} rows of {@code H W} positions), so its chunks are single images whose GEMMs read (or write) the
     * images themselves, and nothing is lowered or folded back.
     */
    private static final class Lowering {
        /** The permute between {@code (chunks, count, O, P)} (the batch's layout) and {@code (chunks, O, count, P)}. */
        static final int[] SWAP = {0, 2, 1, 3};

        final Window window;
        final int batch, inImage, groups, outPerGroup, rowsPerGroup, positions, outChannels, count, chunks, columns;
        final int chunkInput;
        final boolean direct;

        Lowering(Shape x, Shape weight, Shape out, Options o) {
            window = window(x, weight, out, o);
            batch = x.dim(0);
            inImage = x.sizeOf(1, 4);
            groups = o.groups();
            outChannels = weight.dim(0);
            outPerGroup = outChannels / o.groups();
            rowsPerGroup = x.dim(1) / groups * window.taps();
            positions = window.outSize();
            Window w = window;
            direct = w.kernelH() == 1 && w.kernelW() == 1 && w.strideH() == 1 && w.strideW() == 1 && w.padH() == 0
                    && w.padW() == 0 && w.outH() == w.height() && w.outW() == w.width();
            count = direct ? 1 : Workspace.imagesPerChunk((long) window.columnRows() * positions, batch);
            chunks = batch / count;
            columns = count * positions;
            chunkInput = count * inImage;
        }

        /** The outputs of all chunks, each channel-major: {@code (chunks, O, count, positions)}. */
        Shape blockedShape() {
            return Shape.of(chunks, outChannels, count, positions);
        }

        /** The output gradient {@code grad} in the {@link #blockedShape}: itself for chunks of one image. */
        Storage blocked(Backend b, Tensor grad) {
            if (count == 1) return grad.storage();
            Tensor t = Tensor.empty(b, grad.dtype(), blockedShape());
            b.permute(grad.storage(), Shape.of(chunks, count, outChannels, positions), SWAP, t.storage());
            return t.storage();
        }

        /**
         * Runs {@code body} on each chunk of the batch, with this thread's scratch columns; a direct lowering runs it
         * on each image with {@code images}, the storage of the images themselves, as the columns (whose
         * {@link #colOffset} is then the image's offset).
         */
        void inChunks(Backend b, DType dtype, Storage images, Chunk body) {
            Storage col = direct ? images : Workspace.scratch(b, dtype, count * window.columnRows() * positions);
            for (int c = 0; c < chunks; c++) body.run(c, col);
        }

        /** Where group {@code g}'s rows start in the weight. */
        int weightOffset(int g) {
            return g * outPerGroup * rowsPerGroup;
        }

        /** Where group {@code g} of chunk {@code c} starts in the lowered columns (for direct, in the images). */
        int colOffset(int c, int g) {
            return direct ? c * inImage + g * rowsPerGroup * positions : g * rowsPerGroup * columns;
        }

        /** Where group {@code g} of chunk {@code c} starts in the blocked output (or its gradient). */
        int outOffset(int c, int g) {
            return (c * outChannels + g * outPerGroup) * columns;
        }
    }
}
